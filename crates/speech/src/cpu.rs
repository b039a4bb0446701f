//! How many cores the other processes leave the decoder. whisper.cpp's threads wait for each other
//! at every step of the graph by spinning; when another process holds a core, a decoder thread
//! spins away its time slice waiting for one that is not running, and two threads on a 2-core
//! laptop with one core busy ran several times slower than one thread (`banthuek bench accuracy
//! --threads 1|2` under load). The engine therefore asks for no more threads than there are idle
//! cores.
//!
//! The split of the work between threads must not change the text: the same audio gives the same
//! reading whatever the load. ggml's own kernels keep that. OpenBLAS does not: its products sum
//! in another order with another thread count (the same 39 s of clock speech read "นาลิกา" where
//! it had read "นาลีกา"), and ggml sets OpenBLAS's thread count to the decoder's before every
//! product. Every program that runs the engine therefore invokes [`crate::pin_blas_threads!`],
//! which leaves OpenBLAS at its own count (the machine's cores, or `OPENBLAS_NUM_THREADS`).
//! `BANTHUEK_DECODER_THREADS` fixes the decoder's count whatever the load (tests, measurements).
//!
//! The process that started the worker (the app, the command line) is not counted among the
//! others: it prepares each request (a field's grammar, the audio) while the worker waits and
//! waits while the worker decodes, so its work comes between decodes, not beside them. Counted,
//! it took a core: `banthuek transcribe 35.mp3 --field number` decoded its first request with
//! one thread (4.4 s for whisper's constrained decode against 2.3 s with two).

/// CPU time counters at one moment: all CPUs (busy and total, in clock ticks), and this process
/// with the one that started it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Sample {
    busy: u64,
    total: u64,
    ours: u64,
}

const DECODER_THREADS: &str = "BANTHUEK_DECODER_THREADS";

/// Windows shorter than this say too little; the last decision stands.
const MIN_WINDOW_TICKS: u64 = 20;
/// Each thread beyond the first needs at least this much of an idle core (so two threads on two
/// cores while the other processes use less than three quarters of one: the app, its page and a
/// WebDriver polling the page every 20 ms stay below that; a process holding a core does not).
const SPARE: f64 = 0.25;

/// Follows the other processes' CPU use between decodes (from `/proc`; where that cannot be read,
/// every requested thread is used).
pub struct CpuShare {
    /// `BANTHUEK_DECODER_THREADS`: this many threads, whatever was requested and the load.
    fixed: Option<i32>,
    cores: usize,
    last: Option<Sample>,
    others: Option<f64>,
}

impl Default for CpuShare {
    fn default() -> Self {
        CpuShare {
            fixed: std::env::var(DECODER_THREADS)
                .ok()
                .and_then(|n| n.parse::<i32>().ok())
                .filter(|n| *n > 0),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            last: sample(),
            others: None,
        }
    }
}

impl CpuShare {
    /// The threads to decode with now: at most `requested`, at least one, and no more than the
    /// cores the other processes left idle since the last call; `BANTHUEK_DECODER_THREADS` where
    /// it is set.
    pub fn threads(&mut self, requested: i32) -> i32 {
        if let Some(fixed) = self.fixed {
            return fixed;
        }
        if let (Some(before), Some(now)) = (self.last, sample()) {
            if let Some(others) = others_cores(&before, &now, self.cores) {
                self.others = Some(others);
                self.last = Some(now);
            }
        }
        let threads = threads_for(requested, self.cores, self.others);
        tracing::debug!(
            "decoder threads: {threads} of {requested} (other processes used {:.2} of {} cores)",
            self.others.unwrap_or(0.0),
            self.cores
        );
        threads
    }
}

/// Cores busy with other processes between two samples; `None` when the window is too short.
fn others_cores(before: &Sample, now: &Sample, cores: usize) -> Option<f64> {
    let total = now.total.checked_sub(before.total)?;
    if total < MIN_WINDOW_TICKS {
        return None;
    }
    let busy = now.busy.saturating_sub(before.busy);
    let ours = now.ours.saturating_sub(before.ours);
    Some(busy.saturating_sub(ours) as f64 / total as f64 * cores as f64)
}

fn threads_for(requested: i32, cores: usize, others: Option<f64>) -> i32 {
    let requested = requested.max(1);
    let Some(others) = others else {
        return requested;
    };
    let idle = (cores as f64 - others).max(0.0);
    let fit = (idle + 1.0 - SPARE).floor().max(1.0) as i32;
    requested.min(fit)
}

fn sample() -> Option<Sample> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    let parent = format!("/proc/{}/stat", std::os::unix::process::parent_id());
    // A parent gone (the worker orphaned) leaves nothing to tell apart.
    let parent = std::fs::read_to_string(parent)
        .ok()
        .and_then(|p| process_ticks(&p))
        .unwrap_or(0);
    let (busy, total) = parse_cpu_line(stat.lines().next()?)?;
    Some(Sample {
        busy,
        total,
        ours: process_ticks(&own)? + parent,
    })
}

/// `cpu  user nice system idle iowait irq softirq steal …` → (busy, total) ticks.
fn parse_cpu_line(line: &str) -> Option<(u64, u64)> {
    let mut f = line.split_whitespace();
    if f.next()? != "cpu" {
        return None;
    }
    let v: Vec<u64> = f.take(8).map(|x| x.parse().ok()).collect::<Option<_>>()?;
    if v.len() < 5 {
        return None;
    }
    let idle = v[3] + v[4];
    let total: u64 = v.iter().sum();
    Some((total - idle, total))
}

/// Leaves OpenBLAS's thread count to OpenBLAS (see the module's note): defines, in the program
/// that invokes it, the function through which ggml would set it before every product, so that
/// the linker binds ggml's calls to this one and not to the library's. A program's own objects are
/// always linked, which is why each program invokes it rather than this crate defining it once.
#[macro_export]
macro_rules! pin_blas_threads {
    () => {
        /// ggml's call to OpenBLAS, answered here so that it does nothing.
        #[cfg(target_os = "linux")]
        #[unsafe(no_mangle)]
        pub extern "C" fn openblas_set_num_threads(_threads: ::std::ffi::c_int) {}
    };
}

/// utime + stime of a process (all its threads), from its `/proc/PID/stat`.
fn process_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_core_leaves_one_thread() {
        assert_eq!(threads_for(2, 2, Some(0.05)), 2);
        assert_eq!(threads_for(2, 2, Some(0.2)), 2);
        assert_eq!(threads_for(2, 2, Some(0.5)), 2);
        assert_eq!(threads_for(2, 2, Some(0.8)), 1);
        assert_eq!(threads_for(2, 2, Some(1.0)), 1);
        assert_eq!(threads_for(2, 2, Some(3.5)), 1);
        assert_eq!(threads_for(4, 8, Some(2.0)), 4);
        assert_eq!(threads_for(2, 2, None), 2);
        assert_eq!(threads_for(0, 2, None), 1);
    }

    #[test]
    fn others_are_all_busy_time_less_this_process() {
        let before = Sample {
            busy: 1000,
            total: 3000,
            ours: 100,
        };
        // 200 ticks over 2 cores: 150 busy, 100 of them this process and its parent.
        let now = Sample {
            busy: 1150,
            total: 3200,
            ours: 200,
        };
        let others = others_cores(&before, &now, 2).unwrap();
        assert!((others - 0.5).abs() < 1e-9, "{others}");
        let short = Sample {
            busy: 1005,
            total: 3010,
            ours: 100,
        };
        assert_eq!(others_cores(&before, &short, 2), None);
    }

    #[test]
    fn proc_lines_parse() {
        assert_eq!(
            parse_cpu_line("cpu  10 2 8 100 5 1 1 0 0 0"),
            Some((22, 127))
        );
        assert_eq!(parse_cpu_line("cpu0 1 2 3 4 5"), None);
        let own = "1234 (banthuek engine) S 1 2 3 4 5 6 7 8 9 10 70 30 0 0";
        assert_eq!(process_ticks(own), Some(100));
        // This machine's own files read.
        assert!(sample().is_some());
    }
}
