//! The station's signing keys, kept in the encrypted store, and the record signatures made with
//! them: the station CA (created at `init`, its key sealed under the administrator's key), each
//! officer's and supervisor's key and certificate (issued when the account is added, sealed under
//! that user's own key), the officer's signature when a record is submitted and the supervisor's
//! countersignature when it is approved. The CLI and the desktop app both call these, so the two
//! can never sign differently.

use banthuek_core::{Role, Status};
use banthuek_document::{pki, CertRole, Credential, DocumentError, RenderOptions, SigningIdentity};
use banthuek_store::{Session, StoreError};

const CA_KEY: &str = "station_ca_key";
const CA_CERT_SETTING: &str = "station_ca_cert_pem";
const SIGNING_KEY: &str = "signing_key";
const SIGNING_CERT: &str = "signing_cert";

#[derive(Debug, thiserror::Error)]
pub enum StationError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error("this station has no CA yet / สถานียังไม่มีผู้ออกใบรับรอง")]
    NoStationCa,
    #[error(
        "only the administrator who created the station holds the CA key / \
         เฉพาะผู้ดูแลระบบที่สร้างสถานีเท่านั้นที่ออกใบรับรองได้"
    )]
    NotCaHolder,
    #[error(
        "'{0}' has no signing key; an administrator issues one when adding the user / \
         ผู้ใช้นี้ไม่มีกุญแจลงนาม"
    )]
    NoSigningKey(String),
    #[error(
        "record {id} version {version} has no officer-signed PDF / \
         ไม่พบเอกสารที่เจ้าหน้าที่ลงนามแล้ว"
    )]
    NotSignedByOfficer { id: String, version: u32 },
    #[error("the record cannot be printed or signed / พิมพ์หรือลงนามบันทึกไม่ได้: {}", list(.0))]
    BadInput(Vec<banthuek_core::InputProblem>),
}

fn list(problems: &[banthuek_core::InputProblem]) -> String {
    problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

pub type Result<T, E = StationError> = std::result::Result<T, E>;

/// At `init`: creates the station CA, seals its key under the administrator's key and publishes
/// its certificate as a station setting.
pub fn create_station_ca(admin: &mut Session, station: &str) -> Result<()> {
    let ca = pki::create_station_ca(station)?;
    admin.put_user_secret(CA_KEY, &ca.key_pkcs8_der()?)?;
    admin.set_setting(CA_CERT_SETTING, &ca.cert_pem()?)?;
    Ok(())
}

/// The station CA certificate (PEM), for verifiers and the central system.
pub fn station_ca_pem(session: &Session) -> Result<String> {
    session
        .setting(CA_CERT_SETTING)?
        .ok_or(StationError::NoStationCa)
}

fn station_ca(admin: &Session) -> Result<Credential> {
    let certs = pki::certs_from_pem_or_der(station_ca_pem(admin)?.as_bytes())?;
    let cert = certs.first().ok_or(StationError::NoStationCa)?;
    let key = admin
        .get_user_secret(CA_KEY)?
        .ok_or(StationError::NotCaHolder)?;
    Ok(Credential::from_parts(&pki::cert_to_der(cert)?, &key)?)
}

/// When a user is added: issues an officer or supervisor a P-256 key and certificate from the
/// station CA. Returns the secrets to seal under the new account's key (none for administrators,
/// who sign no records).
pub fn issue_signing_key(
    admin: &Session,
    role: Role,
    display_name: &str,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let cert_role = match role {
        Role::Officer => CertRole::Officer,
        Role::Supervisor => CertRole::Supervisor,
        _ => return Ok(Vec::new()),
    };
    let user = pki::issue_user_cert(&station_ca(admin)?, display_name, cert_role)?;
    Ok(vec![
        (SIGNING_KEY, user.key_pkcs8_der()?),
        (SIGNING_CERT, pki::cert_to_der(&user.cert)?),
    ])
}

/// The acting user's signing identity: their key, their certificate and the station CA.
pub fn identity(session: &Session) -> Result<SigningIdentity> {
    let missing = || StationError::NoSigningKey(session.user().to_string());
    let key = session.get_user_secret(SIGNING_KEY)?.ok_or_else(missing)?;
    let cert = session.get_user_secret(SIGNING_CERT)?.ok_or_else(missing)?;
    let user = Credential::from_parts(&cert, &key)?;
    let mut chain = vec![user.cert];
    chain.extend(pki::certs_from_pem_or_der(
        station_ca_pem(session)?.as_bytes(),
    )?);
    let mut identity = SigningIdentity::new(user.key, chain)?;
    if let Some(info) = session
        .list_users()?
        .into_iter()
        .find(|u| u.name == session.user())
    {
        let shown = [info.rank, info.full_name]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        if !shown.is_empty() {
            identity.display_name = shown.join(" ");
        }
    }
    Ok(identity)
}

/// Renders the latest version of a record as an unsigned PDF. A record whose content breaks the
/// input limits (control or direction characters, text too long, numbers out of range) is
/// refused here, naming the fields, before anything is rendered or signed.
pub fn render_latest(session: &Session, id: &str) -> Result<Vec<u8>> {
    render_for(session, id, None)
}

/// Renders the latest version with `recorder_name` (the signer's) under the recorder's line.
fn render_for(session: &Session, id: &str, recorder_name: Option<String>) -> Result<Vec<u8>> {
    let current = session.record(id)?;
    let problems = banthuek_core::check_input(&current.record);
    if !problems.is_empty() {
        return Err(StationError::BadInput(problems));
    }
    let opts = RenderOptions {
        version: current.version,
        // The classification is printed at the top and bottom of every page.
        marking: Some(session.classification(id)?.marking()),
        recorder_name,
        ..RenderOptions::default()
    };
    Ok(banthuek_document::render(&current.record, &opts)?.pdf)
}

/// Officer: renders the latest version with the signer's own name (rank and full name from the
/// account, else the certificate's) under the recorder's line, signs it in that block and
/// submits it with the signed PDF, in one store transaction.
pub fn sign_and_submit(session: &mut Session, id: &str, comment: Option<&str>) -> Result<Status> {
    let identity = identity(session)?;
    let pdf = render_for(session, id, Some(identity.display_name.clone()))?;
    let signed = banthuek_document::sign_pdf(&pdf, &identity, Some("recorder"))?;
    Ok(session.submit(id, comment, Some(&signed))?)
}

/// Supervisor: approves a submitted record, countersigns the officer's signed PDF in the
/// supervisor's block, and stores it, which makes the record final and queues it. An approval
/// whose countersignature failed earlier is completed by running this again.
pub fn approve_and_countersign(
    session: &mut Session,
    id: &str,
    comment: Option<&str>,
) -> Result<Status> {
    let identity = identity(session)?;
    let current = session.record(id)?;
    if current.status != Status::Approved {
        session.approve(id, comment)?;
    }
    let signed = session
        .artifact(id, current.version, "signed_pdf")?
        .ok_or_else(|| StationError::NotSignedByOfficer {
            id: id.to_string(),
            version: current.version,
        })?;
    let countersigned = banthuek_document::sign_pdf(&signed, &identity, Some("supervisor"))?;
    Ok(session.countersign(id, &countersigned)?)
}

/// The record's PDF as it stands: countersigned if final, else officer-signed if submitted, else
/// an unsigned rendering of the latest version.
pub fn current_pdf(session: &Session, id: &str) -> Result<Vec<u8>> {
    let current = session.record(id)?;
    for kind in ["countersigned_pdf", "signed_pdf"] {
        if let Some(pdf) = session.artifact(id, current.version, kind)? {
            return Ok(pdf);
        }
    }
    render_latest(session, id)
}
