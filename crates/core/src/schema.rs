//! Validation against the exchange-format JSON Schema shipped in `assets/schema/`.

use crate::record::RecordError;
use serde_json::Value;
use std::sync::OnceLock;

/// The exchange-format schema, as shipped with the app.
pub const SCHEMA_JSON: &str = include_str!("../../../assets/schema/arrest-record-v1.schema.json");

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(SCHEMA_JSON).expect("the bundled schema is valid JSON");
        jsonschema::validator_for(&schema).expect("the bundled schema compiles")
    })
}

/// Checks a record against the schema; the error names the first offending field.
pub fn validate(record: &Value) -> Result<(), RecordError> {
    match validator().iter_errors(record).next() {
        None => Ok(()),
        Some(err) => {
            let path = err.instance_path.to_string();
            Err(RecordError::Schema {
                path: if path.is_empty() { "/".into() } else { path },
                message: err.to_string(),
            })
        }
    }
}
