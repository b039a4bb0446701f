//! The life of a record: draft → submitted → returned / approved → signed → queued → synced, and
//! who may make each move.
//!
//! The officer edits a draft (or a returned record), signs it and submits it. A supervisor either
//! returns it with comments or approves it; approving is followed by the supervisor's
//! countersignature, after which the record is final (signed) and is queued for the central system
//! in the same transaction. Only the sync sender marks it synced.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Returned,
    Approved,
    Signed,
    Queued,
    Synced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Officer,
    Supervisor,
    Admin,
    /// The app itself (the sync sender), never a person.
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Edit,
    Submit,
    Return,
    Approve,
    Countersign,
    Queue,
    MarkSynced,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("a {role} may not {action} a record / บทบาท {role} ไม่มีสิทธิ์ {action}")]
    NotAllowed { role: Role, action: Action },
    #[error(
        "cannot {action} a record that is {status} / ไม่สามารถ {action} บันทึกที่อยู่ในสถานะ {status}"
    )]
    WrongStatus { action: Action, status: Status },
}

impl Action {
    /// Roles that may take this action.
    pub fn allowed_roles(self) -> &'static [Role] {
        match self {
            Action::Edit | Action::Submit => &[Role::Officer],
            Action::Return | Action::Approve | Action::Countersign => &[Role::Supervisor],
            Action::Queue | Action::MarkSynced => &[Role::System, Role::Admin],
        }
    }

    /// The status this action leads to from `from`, if the move exists.
    fn target(self, from: Status) -> Option<Status> {
        use Status::*;
        match (self, from) {
            (Action::Edit, Draft | Returned) => Some(from),
            (Action::Submit, Draft | Returned) => Some(Submitted),
            (Action::Return, Submitted) => Some(Returned),
            (Action::Approve, Submitted) => Some(Approved),
            (Action::Countersign, Approved) => Some(Signed),
            (Action::Queue, Signed) => Some(Queued),
            (Action::MarkSynced, Queued) => Some(Synced),
            _ => None,
        }
    }
}

/// The status after `role` takes `action` on a record in `from`, or why it may not.
pub fn transition(from: Status, action: Action, role: Role) -> Result<Status, WorkflowError> {
    if !action.allowed_roles().contains(&role) {
        return Err(WorkflowError::NotAllowed { role, action });
    }
    action.target(from).ok_or(WorkflowError::WrongStatus {
        action,
        status: from,
    })
}

impl Status {
    /// The record's content may still change.
    pub fn is_editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    pub const ALL: [Status; 7] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Approved,
        Status::Signed,
        Status::Queued,
        Status::Synced,
    ];
}

macro_rules! text_enum {
    ($ty:ty, $what:literal, $($variant:path => $text:literal),+ $(,)?) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($variant => $text),+ }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($variant),)+
                    other => Err(format!(concat!("unknown ", $what, " '{}' / ไม่รู้จัก '{}'"), other, other)),
                }
            }
        }
    };
}

text_enum!(Status, "status",
    Status::Draft => "draft", Status::Submitted => "submitted", Status::Returned => "returned",
    Status::Approved => "approved", Status::Signed => "signed", Status::Queued => "queued",
    Status::Synced => "synced");
text_enum!(Role, "role",
    Role::Officer => "officer", Role::Supervisor => "supervisor", Role::Admin => "admin",
    Role::System => "system");
text_enum!(Action, "action",
    Action::Edit => "edit", Action::Submit => "submit", Action::Return => "return",
    Action::Approve => "approve", Action::Countersign => "countersign", Action::Queue => "queue",
    Action::MarkSynced => "mark_synced");

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Role::*;
    use Status::*;

    #[test]
    fn the_whole_path_from_draft_to_synced() {
        let steps = [
            (Edit, Officer, Draft),
            (Submit, Officer, Submitted),
            (Return, Supervisor, Returned),
            (Edit, Officer, Returned),
            (Submit, Officer, Submitted),
            (Approve, Supervisor, Approved),
            (Countersign, Supervisor, Signed),
            (Queue, System, Queued),
            (MarkSynced, System, Synced),
        ];
        let mut s = Draft;
        for (action, role, expect) in steps {
            s = transition(s, action, role).unwrap();
            assert_eq!(s, expect, "after {action}");
        }
    }

    #[test]
    fn each_role_only_makes_its_own_moves() {
        assert_eq!(
            transition(Submitted, Approve, Officer),
            Err(WorkflowError::NotAllowed {
                role: Officer,
                action: Approve
            })
        );
        assert!(transition(Draft, Submit, Supervisor).is_err());
        assert!(transition(Draft, Edit, Admin).is_err());
        assert!(transition(Signed, Queue, Officer).is_err());
    }

    #[test]
    fn no_move_from_a_final_record_back_to_editing() {
        for action in [Edit, Submit, Return, Approve] {
            for role in [Officer, Supervisor] {
                for from in [Signed, Queued, Synced] {
                    assert!(transition(from, action, role).is_err(), "{action} {from}");
                }
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), s);
        }
        assert!("bogus".parse::<Role>().is_err());
    }
}
