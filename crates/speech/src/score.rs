//! Scoring transcripts: character error rate for Thai. Spaces and punctuation are ignored (Thai
//! writes no spaces between words), and numbers count the same whether written as digits, Thai
//! digits or words, since dictation may come out as any of them.

const DIGITS: [&str; 10] = [
    "ศูนย์",
    "หนึ่ง",
    "สอง",
    "สาม",
    "สี่",
    "ห้า",
    "หก",
    "เจ็ด",
    "แปด",
    "เก้า",
];
const PLACES: [&str; 6] = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"];

/// A number in Thai words, as it is spoken.
pub fn number_words(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].into();
    }
    if n >= 1_000_000 {
        let rest = if !n.is_multiple_of(1_000_000) {
            number_words(n % 1_000_000)
        } else {
            String::new()
        };
        return format!("{}ล้าน{}", number_words(n / 1_000_000), rest);
    }
    let s: Vec<u32> = n
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    let len = s.len();
    let mut out = String::new();
    for (i, &d) in s.iter().enumerate() {
        let pos = len - 1 - i;
        match (pos, d) {
            (_, 0) => {}
            (1, 1) => out.push_str("สิบ"),
            (1, 2) => out.push_str("ยี่สิบ"),
            (0, 1) if n > 10 && s[len - 2] != 0 => out.push_str("เอ็ด"),
            _ => {
                out.push_str(DIGITS[d as usize]);
                out.push_str(PLACES[pos]);
            }
        }
    }
    out
}

/// Normalises for scoring: Thai digits to Arabic, numbers to words, no spaces or punctuation.
pub fn normalise(text: &str) -> String {
    let mut arabic = String::new();
    for c in text.chars() {
        match c {
            '๐'..='๙' => {
                arabic.push(char::from_u32(c as u32 - '๐' as u32 + '0' as u32).unwrap_or(c))
            }
            _ => arabic.push(c),
        }
    }
    let mut out = String::new();
    let mut num = String::new();
    for c in arabic.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        if !num.is_empty() {
            out.push_str(&number_words(num.parse().unwrap_or(0)));
            num.clear();
        }
        if !(c.is_whitespace()
            || c.is_ascii_punctuation()
            || matches!(c, '“' | '”' | '‘' | '’' | '…' | '«' | '»'))
        {
            out.push(c);
        }
    }
    out
}

/// Character error rate of `hyp` against `reference`, after normalising both.
pub fn cer(reference: &str, hyp: &str) -> f64 {
    let r: Vec<char> = normalise(reference).chars().collect();
    let h: Vec<char> = normalise(hyp).chars().collect();
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rc) in r.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, hc) in h.iter().enumerate() {
            cur.push(
                (prev[j + 1] + 1)
                    .min(cur[j] + 1)
                    .min(prev[j] + usize::from(rc != hc)),
            );
        }
        prev = cur;
    }
    prev[h.len()] as f64 / r.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoring_normalises_numbers() {
        assert_eq!(number_words(21), "ยี่สิบเอ็ด");
        assert_eq!(number_words(11), "สิบเอ็ด");
        assert_eq!(number_words(30), "สามสิบ");
        assert_eq!(cer("14 นาฬิกา 30 นาที", "สิบสี่นาฬิกา สามสิบนาที"), 0.0);
        assert!(cer("14 นาฬิกา", "") > 0.99);
    }
}
