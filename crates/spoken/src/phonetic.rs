//! A second, independent reading of a field value: the free transcript (the decoder without the
//! field's constraint) matched by sound against the field's language.
//!
//! The base model hears the digits of an ID read aloud well but spells them as it likes ("สอง
//! หา จัด จัด บาด บาด สุน หก" for 2 5 7 7 8 8 0 6), while the constrained decoder, which must
//! spell them right, often loses its place and repeats one digit to the end. So the free text
//! is turned into a rough phonetic code (initial consonant class, vowel class, final consonant
//! class, no tones; a Thai soundex of our own, with PyThaiNLP's soundex functions as a
//! reference) and aligned, by a weighted edit distance, with the closest text of the field's
//! constraint automaton. For a national ID that automaton admits only IDs whose check digit
//! holds, so the search is over valid IDs only.

use banthuek_core::thai::numbers::to_words;
use banthuek_speech::constraint::Constraint;
use std::collections::HashMap;

/// One phonetic symbol: a consonant class, a vowel class, or a written digit.
type Sym = &'static str;

/// The class of a Thai consonant (as an initial).
fn consonant(c: char) -> Option<Sym> {
    Some(match c {
        'ก' => "k",
        'ข' | 'ฃ' | 'ค' | 'ฅ' | 'ฆ' => "kh",
        'ง' => "ng",
        'จ' => "c",
        'ฉ' | 'ช' | 'ฌ' => "ch",
        'ซ' | 'ศ' | 'ษ' | 'ส' => "s",
        'ญ' | 'ย' => "y",
        'ฎ' | 'ด' => "d",
        'ฏ' | 'ต' => "t",
        'ฐ' | 'ฑ' | 'ฒ' | 'ถ' | 'ท' | 'ธ' => "th",
        'ณ' | 'น' => "n",
        'บ' => "b",
        'ป' => "p",
        'ผ' | 'พ' | 'ภ' => "ph",
        'ฝ' | 'ฟ' => "f",
        'ม' => "m",
        'ร' => "r",
        'ล' | 'ฬ' => "l",
        'ว' => "w",
        'ห' | 'ฮ' => "h",
        'อ' => "q",
        _ => return None,
    })
}

const VOWELS: &[Sym] = &[
    "a", "i", "ue", "u", "e", "ae", "o", "O", "oe", "ai", "ao", "ia", "ua",
];

fn is_vowel(s: Sym) -> bool {
    VOWELS.contains(&s)
}

/// A consonant at the end of a syllable as Thai pronounces it there.
fn final_of(s: Sym) -> Sym {
    match s {
        "d" | "t" | "th" | "c" | "ch" | "s" => "t",
        "k" | "kh" => "k",
        "b" | "p" | "ph" | "f" => "p",
        "l" | "r" | "y" => "n",
        other => other,
    }
}

/// Pre-posed vowels, written before the consonant they follow in speech.
fn pre_vowel(c: char) -> bool {
    matches!(c, 'เ' | 'แ' | 'โ' | 'ไ' | 'ใ')
}

/// Vowel signs, pre-posed ones included, and the vowel-shortening mark.
fn vowel_sign(c: char) -> bool {
    pre_vowel(c) || matches!(c, 'ะ' | 'ั' | 'า' | 'ำ' | 'ิ' | 'ี' | 'ึ' | 'ื' | 'ุ' | 'ู' | '็')
}

/// The phonetic symbols of one Thai word (no spaces).
fn thai_word(word: &str) -> Vec<Sym> {
    // Silent letters: a consonant under the thanthakhat (ศูนย์ → ศูน), tone marks.
    let mut chars: Vec<char> = Vec::new();
    for c in word.chars() {
        match c {
            '์' => {
                chars.pop();
            }
            '่' | '้' | '๊' | '๋' | 'ฺ' | 'ํ' => {}
            _ => chars.push(c),
        }
    }
    // Pre-posed vowels after the consonant they follow in speech (a leading ห or อ of a
    // sonorant is silent: หนึ่ง, อย่า).
    let mut i = 0;
    while i < chars.len() {
        if pre_vowel(chars[i]) && i + 1 < chars.len() && consonant(chars[i + 1]).is_some() {
            chars.swap(i, i + 1);
            i += 2;
        } else {
            i += 1;
        }
    }
    let sonorant = |c: char| matches!(c, 'น' | 'ม' | 'ง' | 'ย' | 'ร' | 'ล' | 'ว' | 'ญ');
    if chars.len() > 1
        && ((chars[0] == 'ห' && sonorant(chars[1])) || (chars[0] == 'อ' && chars[1] == 'ย'))
    {
        chars.remove(0);
    }
    let mut out: Vec<Sym> = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        let next = chars.get(k + 1).copied();
        let after = chars.get(k + 2).copied();
        let (sym, used): (Vec<Sym>, usize) = match c {
            'เ' => match (next, after) {
                (Some('า'), _) => (vec!["ao"], 2),
                (Some('ี'), Some('ย')) => (vec!["ia"], 3),
                (Some('ื'), Some('อ')) => (vec!["uea"], 3),
                (Some('อ'), _) => (vec!["oe"], 2),
                (Some('็'), _) => (vec!["e"], 2),
                _ => (vec!["e"], 1),
            },
            'แ' => (vec!["ae"], 1 + usize::from(next == Some('็'))),
            'โ' => (vec!["o"], 1),
            'ไ' | 'ใ' => (vec!["ai"], 1),
            'ั' => match next {
                Some('ว') => (vec!["ua"], 2),
                _ => (vec!["a"], 1),
            },
            'า' => match next {
                Some('ว') => (vec!["ao"], 2),
                _ => (vec!["a"], 1),
            },
            'ะ' => (vec!["a"], 1),
            'ำ' => (vec!["a", "m"], 1),
            'ิ' | 'ี' => (vec!["i"], 1),
            'ึ' | 'ื' => (vec!["ue"], 1),
            'ุ' | 'ู' => (vec!["u"], 1),
            '็' => (vec![], 1),
            'ฤ' => (vec!["r", "ue"], 1),
            // อ within a word is the vowel (พอ, ออก's second), unless a vowel follows it: then
            // it begins a syllable (สิบเอ็ด, whose เ was moved after it above; สะอาด).
            'อ' if !out.is_empty() && !next.is_some_and(vowel_sign) => (vec!["O"], 1),
            _ => match consonant(c) {
                Some(s) => (vec![s], 1),
                None => (vec![], 1),
            },
        };
        out.extend(sym);
        k += used;
    }
    // "uea" is not a class of its own.
    for s in &mut out {
        if *s == "uea" {
            *s = "ue";
        }
    }
    finish(out)
}

/// The inherent vowel of a word written without one (หก → h o k), and finals neutralised.
fn finish(mut out: Vec<Sym>) -> Vec<Sym> {
    if out.len() >= 2 && !out.iter().any(|s| is_vowel(s)) {
        out.insert(1, "o");
    }
    for k in 1..out.len() {
        let closes = out.get(k + 1).is_none_or(|n| !is_vowel(n));
        if !is_vowel(out[k]) && is_vowel(out[k - 1]) && closes {
            out[k] = final_of(out[k]);
        }
    }
    out
}

/// The phonetic symbols of a word in Latin letters, as the model sometimes writes Thai ("Zun",
/// "Hook", "Gow").
fn latin_word(word: &str) -> Vec<Sym> {
    let w: Vec<char> = word.to_ascii_lowercase().chars().collect();
    let mut out: Vec<Sym> = Vec::new();
    let mut k = 0;
    while k < w.len() {
        let two: String = w[k..(k + 2).min(w.len())].iter().collect();
        let pair: Option<Sym> = match two.as_str() {
            "ng" => Some("ng"),
            "ch" | "sh" => Some("ch"),
            "th" => Some("th"),
            "ph" => Some("ph"),
            "kh" => Some("kh"),
            "oo" | "ou" => Some("u"),
            "ee" | "ie" => Some("i"),
            "ow" | "ao" | "au" => Some("ao"),
            "ai" | "ay" => Some("ai"),
            "ua" => Some("ua"),
            "ae" => Some("ae"),
            _ => None,
        };
        if let Some(p) = pair {
            out.push(p);
            k += 2;
            continue;
        }
        let s: Option<Sym> = match w[k] {
            'a' => Some("a"),
            'e' => Some("e"),
            'i' => Some("i"),
            'o' => Some("o"),
            'u' => Some("u"),
            'y' => Some("y"),
            'b' => Some("b"),
            'c' | 'g' | 'k' | 'q' => Some("k"),
            'd' => Some("d"),
            'f' => Some("f"),
            'h' => Some("h"),
            'j' => Some("c"),
            'l' => Some("l"),
            'm' => Some("m"),
            'n' => Some("n"),
            'p' => Some("p"),
            'r' => Some("r"),
            's' | 'x' | 'z' => Some("s"),
            't' => Some("t"),
            'v' | 'w' => Some("w"),
            _ => None,
        };
        out.extend(s);
        k += 1;
    }
    finish(out)
}

/// The phonetic code of a text: per word (split at spaces), its symbols. Written numbers sound
/// as they are read: up to two digits as a number ("22" → ยี่สิบสอง), longer runs digit by digit
/// (an ID written "4552"). Punctuation is dropped.
pub fn code(text: &str) -> Vec<Vec<Sym>> {
    let mut words = Vec::new();
    for raw in text.split(|c: char| c.is_whitespace()) {
        let raw = banthuek_core::thai::digits::to_arabic(raw);
        let mut syms: Vec<Sym> = Vec::new();
        // Runs of Thai letters, of Latin letters and of digits, in order.
        let mut run = String::new();
        let mut kind = 0u8; // 1 Thai, 2 Latin, 3 digits
        let flush = |run: &mut String, kind: u8, syms: &mut Vec<Sym>| {
            if run.is_empty() {
                return;
            }
            match kind {
                1 => syms.extend(thai_word(run)),
                2 => syms.extend(latin_word(run)),
                _ => {
                    let said = match run.parse::<u64>() {
                        Ok(n) if run.len() <= 2 => to_words(n),
                        _ => run
                            .chars()
                            .filter_map(|c| c.to_digit(10))
                            .map(|d| to_words(u64::from(d)))
                            .collect(),
                    };
                    syms.extend(thai_word(&said));
                }
            }
            run.clear();
        };
        for c in raw.chars() {
            let k = if c.is_ascii_digit() {
                3
            } else if c.is_ascii_alphabetic() {
                2
            } else if ('\u{0E01}'..='\u{0E4E}').contains(&c) {
                1
            } else {
                0
            };
            if k != kind {
                flush(&mut run, kind, &mut syms);
                kind = k;
            }
            if k != 0 {
                run.push(c);
            }
        }
        flush(&mut run, kind, &mut syms);
        if !syms.is_empty() {
            words.push(syms);
        }
    }
    words
}

/// What replacing one symbol by another costs: 0 for the same, less for sounds the model
/// confuses (voicing, aspiration, vowel length and height neighbours), 1 otherwise.
fn sub_cost(a: Sym, b: Sym) -> f32 {
    if a == b {
        return 0.0;
    }
    let near = |x: Sym, y: Sym| {
        let pairs: &[(Sym, Sym, f32)] = &[
            ("k", "kh", 0.5),
            ("c", "ch", 0.5),
            ("t", "th", 0.5),
            ("p", "ph", 0.5),
            ("b", "p", 0.5),
            ("d", "t", 0.5),
            ("ch", "s", 0.7),
            ("n", "l", 0.5),
            ("r", "l", 0.3),
            ("o", "O", 0.3),
            ("o", "u", 0.5),
            ("O", "u", 0.6),
            ("a", "ae", 0.5),
            ("e", "ae", 0.5),
            ("a", "e", 0.7),
            ("i", "ue", 0.5),
            ("u", "ue", 0.5),
            ("i", "e", 0.6),
            ("ao", "O", 0.6),
            ("ao", "a", 0.7),
        ];
        pairs
            .iter()
            .find(|(p, q, _)| (*p == x && *q == y) || (*p == y && *q == x))
            .map(|t| t.2)
    };
    near(a, b).unwrap_or(1.0)
}

/// What leaving a symbol out (or adding it) costs: weak initials (h, the glottal stop) less.
fn indel_cost(a: Sym) -> f32 {
    match a {
        "h" | "q" => 0.5,
        _ => 1.0,
    }
}

/// Weighted edit distance between two symbol strings.
fn distance(a: &[Sym], b: &[Sym]) -> f32 {
    let mut prev: Vec<f32> = std::iter::once(0.0)
        .chain(b.iter().scan(0.0, |acc, s| {
            *acc += indel_cost(s);
            Some(*acc)
        }))
        .collect();
    for x in a {
        let mut row = vec![prev[0] + indel_cost(x)];
        for (j, y) in b.iter().enumerate() {
            let v = (prev[j] + sub_cost(x, y))
                .min(prev[j + 1] + indel_cost(x))
                .min(row[j] + indel_cost(y));
            row.push(v);
        }
        prev = row;
    }
    prev[b.len()]
}

/// How an alignment reached a point: the state and position before, and the word of that
/// state it read (none: a heard symbol left out).
type Step = Option<(usize, usize, Option<usize>)>;

/// What leaving out a heard hesitation costs.
const HESITATION: f32 = 0.5;

/// Alignments costing this much more than the best one at the same point are dropped.
const PRUNE: f32 = 4.0;

/// The closest text of the language: its canonical reading (words joined by spaces) and the
/// mean cost per word of the alignment.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    pub reading: String,
    pub cost: f32,
    /// Words of the reading.
    pub words: usize,
    /// Words of the reading that match nothing heard (the alignment had to add them).
    pub unheard: usize,
}

/// The text of `constraint`'s language that sounds closest to `heard`, if any. A word of the
/// language aligns with a piece of one heard word (words the model ran together are split
/// anywhere, words it kept apart are not joined); heard symbols left over cost as deletions.
/// The constraint must be acyclic (every field's is: a finite language).
pub fn closest(constraint: &Constraint, heard: &str) -> Option<Match> {
    let words = code(heard);
    // The heard symbols in one row, and where each heard word starts.
    let syms: Vec<Sym> = words.iter().flatten().copied().collect();
    let mut word_of = Vec::with_capacity(syms.len());
    for (w, ws) in words.iter().enumerate() {
        word_of.extend(std::iter::repeat_n(w, ws.len()));
    }
    let n = syms.len();
    if n == 0 || constraint.states.is_empty() {
        return None;
    }
    let order = topological(constraint)?;
    // Each distinct spoken word's code, by id; each word of each state, by that id.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut codes: Vec<Vec<Sym>> = Vec::new();
    let word_code: Vec<Vec<usize>> = constraint
        .states
        .iter()
        .map(|st| {
            st.words
                .iter()
                .map(|w| {
                    *ids.entry(w.said.as_str()).or_insert_with(|| {
                        codes.push(code(&w.said).into_iter().flatten().collect());
                        codes.len() - 1
                    })
                })
                .collect()
        })
        .collect();
    const SLACK: usize = 2;
    // piece[code][i][len]: the cost of aligning the code with syms[i..i + len] (within one
    // heard word), computed when first needed.
    let mut piece: Vec<Vec<Option<Vec<f32>>>> = vec![vec![None; n + 1]; codes.len()];
    let states = constraint.states.len();
    // cost[i][s]: the least cost of reading the first i heard symbols and reaching state s;
    // back[i][s]: where it came from (state, position, the word it read, if one).
    let mut cost = vec![vec![f32::INFINITY; states]; n + 1];
    let mut back: Vec<Vec<Step>> = vec![vec![None; states]; n + 1];
    cost[0][0] = 0.0;
    for i in 0..=n {
        // Paths far behind the best at this point cannot win (a large automaton, e.g. every
        // time of day, stays fast).
        let floor = cost[i].iter().copied().fold(f32::INFINITY, f32::min);
        for &s in &order {
            let here = cost[i][s];
            if !here.is_finite() || here > floor + PRUNE {
                continue;
            }
            for (k, w) in constraint.states[s].words.iter().enumerate() {
                let to = w.to as usize;
                let id = word_code[s][k];
                let pieces = piece[id][i].get_or_insert_with(|| {
                    let c = &codes[id];
                    (0..=c.len() + SLACK)
                        .take_while(|&len| {
                            i + len <= n && (len < 2 || word_of[i + len - 1] == word_of[i])
                        })
                        .map(|len| distance(&syms[i..i + len], c))
                        .collect()
                });
                for (len, pc) in pieces.iter().enumerate() {
                    let total = here + pc;
                    if total < cost[i + len][to] {
                        cost[i + len][to] = total;
                        back[i + len][to] = Some((s, i, Some(k)));
                    }
                }
            }
        }
        if i < n && word_of.get(i.wrapping_sub(1)) != Some(&word_of[i]) {
            // A heard word that is only a vowel after a glottal stop ("โอ", "เอ่อ", "อ่า"): a
            // hesitation, left out for less than its symbols.
            let w = word_of[i];
            let whole = word_of[i..].iter().take_while(|x| **x == w).count();
            if whole == 2 && syms[i] == "q" && is_vowel(syms[i + 1]) {
                for s in 0..states {
                    let total = cost[i][s] + HESITATION;
                    if total < cost[i + 2][s] {
                        cost[i + 2][s] = total;
                        back[i + 2][s] = Some((s, i, None));
                    }
                }
            }
        }
        if i < n {
            // A heard symbol that belongs to no word of the language.
            for s in 0..states {
                let total = cost[i][s] + indel_cost(syms[i]);
                if total < cost[i + 1][s] {
                    cost[i + 1][s] = total;
                    back[i + 1][s] = Some((s, i, None));
                }
            }
        }
    }
    let end = (0..states)
        .filter(|&s| constraint.states[s].accept && cost[n][s].is_finite())
        .min_by(|&a, &b| cost[n][a].total_cmp(&cost[n][b]))?;
    let mut reading: Vec<String> = Vec::new();
    let mut unheard = 0;
    let (mut s, mut i) = (end, n);
    while let Some((ps, pi, word)) = back[i][s] {
        if let Some(k) = word {
            let w = &constraint.states[ps].words[k];
            reading.push(w.means.clone().unwrap_or_else(|| w.said.clone()));
            unheard += usize::from(pi == i);
        }
        (s, i) = (ps, pi);
    }
    reading.reverse();
    Some(Match {
        cost: cost[n][end] / reading.len().max(1) as f32,
        words: reading.len(),
        unheard,
        reading: reading.join(" "),
    })
}

/// The states in an order where every word leads forward; `None` when the automaton has a cycle.
fn topological(c: &Constraint) -> Option<Vec<usize>> {
    let n = c.states.len();
    let mut indegree = vec![0usize; n];
    for st in &c.states {
        for w in &st.words {
            indegree[w.to as usize] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&s| indegree[s] == 0).collect();
    let mut out = Vec::with_capacity(n);
    while let Some(s) = ready.pop() {
        out.push(s);
        for w in &c.states[s].words {
            let t = w.to as usize;
            indegree[t] -= 1;
            if indegree[t] == 0 {
                ready.push(t);
            }
        }
    }
    (out.len() == n).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(t: &str) -> Vec<Sym> {
        code(t).into_iter().flatten().collect()
    }

    #[test]
    fn the_models_spellings_sound_like_the_digit_words() {
        assert_eq!(flat("ศูนย์"), flat("สุน"));
        assert_eq!(flat("หนึ่ง"), flat("นึง"));
        assert_eq!(flat("ห้า"), flat("หา"));
        assert_eq!(flat("หก"), ["h", "o", "k"]);
        assert_eq!(flat("เก้า"), flat("กาว"));
        assert_eq!(flat("เจ็ด"), ["c", "e", "t"]);
        assert_eq!(flat("แปด"), ["p", "ae", "t"]);
        assert_eq!(flat("Zun"), flat("สุน"));
        assert!(distance(&flat("จัด"), &flat("เจ็ด")) < distance(&flat("จัด"), &flat("แปด")));
        assert!(distance(&flat("บาด"), &flat("แปด")) < distance(&flat("บาด"), &flat("หก")));
        assert!(distance(&flat("ตอง"), &flat("สอง")) < distance(&flat("ตอง"), &flat("สาม")));
        assert_eq!(flat("4.5"), flat("สี่ ห้า"));
        assert_eq!(flat("22."), flat("ยี่สิบสอง"));
        assert_eq!(flat("4552"), flat("สี่ห้าห้าสอง"));
        // เอ็ด within a word as alone: 41 written as one word was read 47 ("O e t" for "q e t").
        assert_eq!(flat("สี่สิบเอ็ด"), flat("สี่ สิบ เอ็ด"));
        assert_eq!(flat("41"), flat("สี่ สิบ เอ็ด"));
        assert_eq!(flat("สะอาด"), ["s", "a", "q", "a", "t"]);
        assert_eq!(flat("ออก"), ["q", "O", "k"]);
    }

    /// Free transcripts of the benchmark's clock voice (seed 12 and 61 draws) against the IDs
    /// that were read.
    #[test]
    fn free_transcripts_of_ids_read_by_sound() {
        let id = crate::grammar::constraint(crate::FieldType::NationalId);
        let read = |heard: &str| {
            let m = closest(&id, heard).expect("a match");
            banthuek_core::thai::numbers::parse_digit_sequence(&m.reading).unwrap_or_default()
        };
        assert_eq!(
            read("สอง หา จัด จัด บาด บาด สุน หก หา จัด ตอง บาด สี"),
            "2577880657284"
        );
    }
}
