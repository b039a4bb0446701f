//! `banthuek start`: the interactive record flow on the terminal, for stations until the desktop
//! app ships. It walks an officer through what the app will do: create the station database on
//! first run, log in, dictate (an audio file) or type a transcript, see the draft read from it
//! (by `banthuek_dictation`, as the app reads each utterance) and what is still missing before
//! signing, and save it as a new record.

use anyhow::{bail, Context as _, Result};
use banthuek_core::record::ArrestRecord;
use banthuek_core::rules::check_signable;
use banthuek_dictation::{Final, Heard};
use banthuek_speech::engine::{DecodeOptions, Transcript};
use banthuek_store::{Session, Store, StoreOptions, VersionSource};
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Interactive record flow: log in, dictate or type, review the draft, save it.
    /// ขั้นตอนบันทึกแบบโต้ตอบ
    Start,
}

pub fn run(ctx: &crate::Context, cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Start => start(ctx),
    }
}

fn ask(prompt: &str) -> Result<String> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line)? == 0 {
        bail!("input closed / ไม่มีข้อมูลเข้า");
    }
    Ok(line.trim().to_owned())
}

fn ask_secret(prompt: &str) -> Result<String> {
    rpassword::prompt_password(prompt).context("reading a password / อ่านรหัสผ่านไม่ได้")
}

fn start(ctx: &crate::Context) -> Result<ExitCode> {
    println!("Banthuek — arrest records by dictation / บันทึก — บันทึกการจับกุมด้วยเสียง");
    println!("Data: {}", ctx.home.display());
    if !ctx.home.join("keyslots.json").exists() {
        first_run(ctx)?;
    }
    let mut session = loop {
        let user = ask("User / ชื่อผู้ใช้: ")?;
        let password = ask_secret("Password / รหัสผ่าน: ")?;
        match crate::records::login(ctx, &user, &password) {
            Ok(s) => break s,
            Err(e) => println!("{e}"),
        }
    };
    loop {
        println!();
        println!("1  New record from dictation or text / สร้างบันทึกใหม่จากเสียงหรือข้อความ");
        println!("2  List records / รายการบันทึก");
        println!("q  Quit / ออก");
        match ask("> ")?.as_str() {
            "1" => {
                if let Err(e) = new_record(ctx, &mut session) {
                    println!("{e:#}");
                }
            }
            "2" => {
                for r in session.list_records(None)? {
                    println!("{}  {}  v{}", r.id, r.status, r.version);
                }
            }
            "q" | "Q" => return Ok(ExitCode::SUCCESS),
            _ => println!("Choose 1, 2 or q / เลือก 1, 2 หรือ q"),
        }
    }
}

/// Creates the station database and its first administrator and officer.
fn first_run(ctx: &crate::Context) -> Result<()> {
    println!();
    println!("No station database yet: creating one. / ยังไม่มีฐานข้อมูล จะสร้างใหม่");
    let admin = ask("Administrator name / ชื่อผู้ดูแลระบบ: ")?;
    let password = new_password()?;
    let (mut session, recovery) =
        Store::init(&ctx.home, &admin, &password, StoreOptions::default())?;
    println!();
    println!("RECOVERY KEY — shown only this once; write it down and lock it away.");
    println!("กุญแจกู้คืน — แสดงครั้งเดียวเท่านั้น จดไว้และเก็บในที่ปลอดภัย:");
    println!("{}", recovery.0);
    println!();
    let officer = ask("First officer's user name / ชื่อผู้ใช้ของเจ้าหน้าที่: ")?;
    let full_name = ask("Full name / ชื่อ-นามสกุล: ")?;
    let rank = ask("Rank (e.g. ร.ต.อ.) / ยศ: ")?;
    let officer_password = new_password()?;
    session.add_user(
        &officer,
        banthuek_core::Role::Officer,
        &officer_password,
        Some(&full_name)
            .filter(|s| !s.is_empty())
            .map(String::as_str),
        Some(&rank).filter(|s| !s.is_empty()).map(String::as_str),
    )?;
    println!("Account '{officer}' created; log in with it. / สร้างบัญชีแล้ว");
    Ok(())
}

fn new_password() -> Result<String> {
    loop {
        let first = ask_secret("New password (8+ characters) / รหัสผ่านใหม่: ")?;
        let again = ask_secret("Again / อีกครั้ง: ")?;
        if first == again {
            return Ok(first);
        }
        println!("The two passwords differ / รหัสผ่านไม่ตรงกัน");
    }
}

fn new_record(ctx: &crate::Context, session: &mut Session) -> Result<()> {
    let source = ask(
        "Audio file to transcribe, or Enter to type the dictation / ไฟล์เสียง หรือกด Enter เพื่อพิมพ์: ",
    )?;
    let today = chrono::Local::now().date_naive();
    let (text, segments, span) = if source.is_empty() {
        println!("Type the dictation; an empty line ends it. / พิมพ์ข้อความ บรรทัดว่างเพื่อจบ");
        let mut lines = Vec::new();
        loop {
            let line = ask("")?;
            if line.is_empty() {
                break;
            }
            lines.push(line);
        }
        (lines.join(" "), Vec::new(), None)
    } else {
        let t = transcribe(ctx, Path::new(&source))?;
        println!("{}", t.text);
        (t.text, t.segments, Some([0, t.duration_ms]))
    };
    // The same reading the desktop app does with each utterance, into an empty draft.
    let utterance = Final {
        text: &text,
        segments: &segments,
        span,
        audio_lost: false,
    };
    let change = Heard::new(None, None).read(&ArrestRecord::default(), utterance, today)?;
    let record = change.record;
    println!();
    println!("{}", serde_json::to_string_pretty(&record.to_value())?);
    for s in &change.suggestions {
        println!("! {}", serde_json::to_string(s)?);
    }
    let now = chrono::Local::now().naive_local();
    let missing = check_signable(&record, now);
    if !missing.is_empty() {
        println!();
        println!("Before signing / ก่อนลงนาม:");
        for v in missing {
            println!("  - {v}");
        }
    }
    if ask("Save as a new draft? [y/N] / บันทึกเป็นร่าง? ")?.eq_ignore_ascii_case("y")
    {
        let id = session.create_record(
            record,
            VersionSource::Machine,
            "machine draft from dictation",
        )?;
        println!("Saved / บันทึกแล้ว: {id}");
    }
    Ok(())
}

/// Transcribes an audio file in the speech worker.
fn transcribe(ctx: &crate::Context, file: &Path) -> Result<Transcript> {
    if !file.is_file() {
        bail!("{}: no such file / ไม่พบไฟล์", file.display());
    }
    let mut engine = crate::speech::start_engine(ctx, None)?;
    println!("Transcribing… / กำลังถอดเสียง…");
    let outcome = engine.transcribe(file, &DecodeOptions::default(), &mut |_| {})?;
    Ok(outcome.transcript)
}
