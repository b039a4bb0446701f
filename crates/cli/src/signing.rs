//! The station's signing keys, kept in the encrypted store, and the record signatures made with
//! them: the station CA (created at `init`, its key sealed under the administrator's key), each
//! officer's and supervisor's key and certificate (issued at `user add`, sealed under that user's
//! own key), the officer's signature at `record sign` and the supervisor's countersignature at
//! `record approve`. Also `banthuek ca export`.

use anyhow::{bail, Context as _, Result};
use banthuek_core::{Role, Status};
use banthuek_document::{pki, CertRole, Credential, RenderOptions, SigningIdentity};
use banthuek_store::Session;
use std::path::PathBuf;
use std::process::ExitCode;

const CA_KEY: &str = "station_ca_key";
const CA_CERT_SETTING: &str = "station_ca_cert_pem";
const SIGNING_KEY: &str = "signing_key";
const SIGNING_CERT: &str = "signing_cert";

#[derive(clap::Subcommand)]
pub enum Command {
    /// The station certificate authority / ผู้ออกใบรับรองของสถานี
    #[command(subcommand)]
    Ca(CaCommand),
}

#[derive(clap::Subcommand)]
pub enum CaCommand {
    /// Write the station CA certificate (PEM), for verifiers and the central system.
    Export {
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

pub fn run(ctx: &crate::Context, cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Ca(CaCommand::Export { output }) => {
            let session = crate::records::session(ctx)?;
            let pem = station_ca_pem(&session)?;
            std::fs::write(&output, pem)
                .with_context(|| format!("writing {} / เขียนไฟล์ไม่ได้", output.display()))?;
            eprintln!(
                "station CA written to {} / บันทึกใบรับรองแล้ว",
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// At `init`: creates the station CA, seals its key under the administrator's key and publishes
/// its certificate as a station setting.
pub fn create_station_ca(admin: &mut Session, station: &str) -> Result<()> {
    let ca = pki::create_station_ca(station)?;
    admin.put_user_secret(CA_KEY, &ca.key_pkcs8_der()?)?;
    admin.set_setting(CA_CERT_SETTING, &ca.cert_pem()?)?;
    Ok(())
}

pub fn station_ca_pem(session: &Session) -> Result<String> {
    session
        .setting(CA_CERT_SETTING)?
        .context("this station has no CA yet / สถานียังไม่มีผู้ออกใบรับรอง")
}

fn station_ca(admin: &Session) -> Result<Credential> {
    let cert = pki::certs_from_pem_or_der(station_ca_pem(admin)?.as_bytes())?;
    let cert = cert.first().context("station CA certificate is empty")?;
    let key = admin.get_user_secret(CA_KEY)?.context(
        "only the administrator who created the station holds the CA key / \
         เฉพาะผู้ดูแลระบบที่สร้างสถานีเท่านั้นที่ออกใบรับรองได้",
    )?;
    Ok(Credential::from_parts(&pki::cert_to_der(cert)?, &key)?)
}

/// At `user add`: issues an officer or supervisor a P-256 key and certificate from the station
/// CA. Returns the secrets to seal under the new account's key (none for administrators, who
/// sign no records).
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
    let missing = || {
        anyhow::anyhow!(
            "'{}' has no signing key; an administrator issues one with `user add` / ผู้ใช้นี้ไม่มีกุญแจลงนาม",
            session.user()
        )
    };
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

/// Renders the latest version of a record as an unsigned PDF.
pub fn render_latest(session: &Session, id: &str) -> Result<Vec<u8>> {
    let current = session.record(id)?;
    let opts = RenderOptions {
        version: current.version,
        ..RenderOptions::default()
    };
    Ok(banthuek_document::render(&current.record, &opts)?.pdf)
}

/// Officer: renders the latest version, signs it in the recorder's block and submits it with the
/// signed PDF, in one store transaction.
pub fn sign_and_submit(session: &mut Session, id: &str, comment: Option<&str>) -> Result<Status> {
    let pdf = render_latest(session, id)?;
    let signed = banthuek_document::sign_pdf(&pdf, &identity(session)?, Some("recorder"))?;
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
    let Some(signed) = session.artifact(id, current.version, "signed_pdf")? else {
        bail!(
            "record {id} version {} has no officer-signed PDF / ไม่พบเอกสารที่เจ้าหน้าที่ลงนามแล้ว",
            current.version
        );
    };
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
