//! Constrained decoding: what the decoder may write when the officer dictates into a typed field.
//!
//! A [`Constraint`] is a finite automaton over words, built by the caller (the `banthuek-spoken`
//! crate builds one per field type from the Thai number words and the lexicons; this crate knows
//! nothing of them). It travels to the worker in [`crate::engine::DecodeOptions`]. Each word
//! may carry what it stands for (`means`), so a spelling the model really writes ("นาลิกา",
//! "สุน") is one more way to say the canonical word; [`Constraint::read`] gives the canonical
//! reading of a text.
//!
//! Spaces: whisper writes them between Thai words unpredictably, so one space may come before
//! any word; spaces are not part of words.
//!
//! In the engine the automaton becomes a byte-level [`Matcher`] (built lazily, state by state):
//! a token is allowed when its bytes keep the text a prefix of the language, end-of-text only
//! where the text is complete. Whisper's tokens may end inside a Thai character; bytes handle it.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One word leaving a state.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Word {
    /// What the decoder writes.
    pub said: String,
    /// What it stands for, when not the same (a spelling the model uses for a canonical word).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub means: Option<String>,
    pub to: u32,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
pub struct State {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accept: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Word>,
}

/// A finite automaton over words; state 0 is the start.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Constraint {
    pub states: Vec<State>,
}

/// One slot of a phrase: the canonical word and other spellings that mean it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub word: String,
    pub variants: Vec<String>,
}

impl Slot {
    pub fn new(word: impl Into<String>) -> Self {
        Slot {
            word: word.into(),
            variants: Vec::new(),
        }
    }

    pub fn with_variants(word: impl Into<String>, variants: &[&str]) -> Self {
        Slot {
            word: word.into(),
            variants: variants.iter().map(|v| v.to_string()).collect(),
        }
    }
}

/// Builds a [`Constraint`] from phrases (sequences of slots): a trie, then equal suffixes merged,
/// so that e.g. every hour shares one automaton for the minutes after it.
#[derive(Default)]
pub struct ConstraintBuilder {
    nodes: Vec<TrieNode>,
}

/// A trie node: accepting, canonical word → child, and the variant edges (said, means, child).
type TrieNode = (bool, BTreeMap<String, usize>, Vec<(String, String, usize)>);

impl ConstraintBuilder {
    pub fn new() -> Self {
        ConstraintBuilder {
            nodes: vec![(false, BTreeMap::new(), Vec::new())],
        }
    }

    /// Adds one phrase. An empty phrase makes the empty text acceptable.
    pub fn phrase(&mut self, slots: &[Slot]) -> &mut Self {
        let mut at = 0;
        for slot in slots {
            let next = match self.nodes[at].1.get(&slot.word) {
                Some(&n) => n,
                None => {
                    self.nodes.push((false, BTreeMap::new(), Vec::new()));
                    let n = self.nodes.len() - 1;
                    self.nodes[at].1.insert(slot.word.clone(), n);
                    n
                }
            };
            for v in &slot.variants {
                let edge = (v.clone(), slot.word.clone(), next);
                if !self.nodes[at].2.contains(&edge) {
                    self.nodes[at].2.push(edge);
                }
            }
            at = next;
        }
        self.nodes[at].0 = true;
        self
    }

    /// The minimal automaton of the phrases (suffix-equal states merged).
    pub fn build(&self) -> Constraint {
        // Children have higher indices than parents in the trie, so visit in reverse order.
        let mut canon: Vec<u32> = vec![0; self.nodes.len()];
        let mut signatures: HashMap<State, u32> = HashMap::new();
        let mut states: Vec<State> = Vec::new();
        for i in (0..self.nodes.len()).rev() {
            let (accept, words, variants) = &self.nodes[i];
            let mut out: Vec<Word> = words
                .iter()
                .map(|(w, &c)| Word {
                    said: w.clone(),
                    means: None,
                    to: canon[c],
                })
                .chain(variants.iter().map(|(s, m, c)| Word {
                    said: s.clone(),
                    means: Some(m.clone()),
                    to: canon[*c],
                }))
                .collect();
            out.sort();
            out.dedup();
            let state = State {
                accept: *accept,
                words: out,
            };
            let id = *signatures.entry(state.clone()).or_insert_with(|| {
                states.push(state);
                (states.len() - 1) as u32
            });
            canon[i] = id;
        }
        // Renumber so that the start (the trie's root) is state 0.
        let root = canon[0] as usize;
        let n = states.len();
        let map = |s: u32| -> u32 {
            let s = s as usize;
            if s == root {
                0
            } else if s == 0 {
                root as u32
            } else {
                s as u32
            }
        };
        let mut renumbered = vec![State::default(); n];
        for (i, mut st) in states.into_iter().enumerate() {
            for w in &mut st.words {
                w.to = map(w.to);
            }
            renumbered[map(i as u32) as usize] = st;
        }
        Constraint { states: renumbered }
    }
}

impl Constraint {
    /// The union of several constraints (any of their languages).
    pub fn union(parts: &[Constraint]) -> Constraint {
        let mut states = vec![State::default()];
        for part in parts {
            let base = states.len() as u32;
            let shift = |s: u32| if s == 0 { 0 } else { s + base - 1 };
            // The part's start merges into the common start; its other states are appended.
            for (i, st) in part.states.iter().enumerate() {
                let words: Vec<Word> = st
                    .words
                    .iter()
                    .map(|w| Word {
                        to: shift(w.to),
                        ..w.clone()
                    })
                    .collect();
                if i == 0 {
                    states[0].accept |= st.accept;
                    states[0].words.extend(words);
                } else {
                    states.push(State {
                        accept: st.accept,
                        words,
                    });
                }
            }
        }
        Constraint { states }
    }

    /// The texts of `first` followed by those of `then` (each accepting state of `first` goes
    /// on with the words that start `then`).
    pub fn concat(first: &Constraint, then: &Constraint) -> Constraint {
        let base = first.states.len() as u32;
        let mut states = first.states.clone();
        let start = then.states.first().cloned().unwrap_or_default();
        let shifted = |w: &Word| Word {
            to: w.to + base,
            ..w.clone()
        };
        for st in &mut states {
            if st.accept {
                st.accept = start.accept;
                st.words.extend(start.words.iter().map(shifted));
            }
        }
        states.extend(then.states.iter().map(|st| State {
            accept: st.accept,
            words: st.words.iter().map(shifted).collect(),
        }));
        Constraint { states }
    }

    /// The canonical reading of `text` if the whole text is in the language: each word replaced
    /// by what it means, words separated by single spaces.
    pub fn read(&self, text: &str) -> Option<String> {
        // Depth-first over (state, byte position), at most one space before a word.
        fn walk(c: &Constraint, text: &str, state: u32, pos: usize, out: &mut Vec<String>) -> bool {
            let st = &c.states[state as usize];
            let pos = if text[pos..].starts_with(' ') {
                pos + 1
            } else {
                pos
            };
            if pos == text.len() {
                return st.accept;
            }
            for w in &st.words {
                if text[pos..].starts_with(w.said.as_str()) {
                    out.push(w.means.clone().unwrap_or_else(|| w.said.clone()));
                    if walk(c, text, w.to, pos + w.said.len(), out) {
                        return true;
                    }
                    out.pop();
                }
            }
            false
        }
        if self.states.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        walk(self, text, 0, 0, &mut out).then(|| out.join(" "))
    }

    /// Every text of the language up to `limit` texts (canonical words joined by spaces), for
    /// tests that check each one against the parser of its type.
    pub fn sample(&self, limit: usize) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut stack: Vec<(u32, String, String)> = vec![(0, String::new(), String::new())];
        while let Some((s, said, means)) = stack.pop() {
            if out.len() >= limit {
                break;
            }
            let st = &self.states[s as usize];
            if st.accept {
                out.push((said.clone(), means.clone()));
            }
            for w in st.words.iter().rev() {
                let join = |a: &str, b: &str| {
                    if a.is_empty() {
                        b.to_string()
                    } else {
                        format!("{a} {b}")
                    }
                };
                stack.push((
                    w.to,
                    join(&said, &w.said),
                    join(&means, w.means.as_deref().unwrap_or(&w.said)),
                ));
            }
        }
        out
    }
}

/// A position in the word automaton while reading bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Pos {
    /// At a state; `spaced`: the one space allowed before the next word has been written.
    At { state: u32, spaced: bool },
    /// Inside word `word` of `state`, `done` bytes of it written.
    In { state: u32, word: u32, done: u32 },
}

/// The constraint as a byte-level deterministic automaton, built lazily: each of its states is a
/// set of positions in the word automaton, made when first reached.
pub struct Matcher {
    constraint: Constraint,
    sets: Vec<Vec<Pos>>,
    index: HashMap<Vec<Pos>, u32>,
    next: Vec<HashMap<u8, Option<u32>>>,
    accepting: Vec<bool>,
}

impl Matcher {
    pub fn new(constraint: Constraint) -> Self {
        let mut m = Matcher {
            constraint,
            sets: Vec::new(),
            index: HashMap::new(),
            next: Vec::new(),
            accepting: Vec::new(),
        };
        m.intern(vec![Pos::At {
            state: 0,
            spaced: false,
        }]);
        m
    }

    /// The start state.
    pub fn start(&self) -> u32 {
        0
    }

    fn intern(&mut self, mut set: Vec<Pos>) -> u32 {
        set.sort_unstable();
        set.dedup();
        if let Some(&i) = self.index.get(&set) {
            return i;
        }
        let accepting = set.iter().any(|p| {
            matches!(p, Pos::At { state, spaced: false } if self.constraint.states.get(*state as usize).is_some_and(|s| s.accept))
        });
        let i = self.sets.len() as u32;
        self.index.insert(set.clone(), i);
        self.sets.push(set);
        self.next.push(HashMap::new());
        self.accepting.push(accepting);
        i
    }

    /// The text may end here.
    pub fn accepting(&self, state: u32) -> bool {
        self.accepting[state as usize]
    }

    /// The state after one more byte, or `None` when the text can no longer be completed.
    pub fn step(&mut self, state: u32, byte: u8) -> Option<u32> {
        if let Some(&n) = self.next[state as usize].get(&byte) {
            return n;
        }
        let c = &self.constraint;
        let mut out = Vec::new();
        let enter = |st: u32, out: &mut Vec<Pos>| {
            for (wi, w) in c.states[st as usize].words.iter().enumerate() {
                let b = w.said.as_bytes();
                if b.first() == Some(&byte) {
                    out.push(if b.len() == 1 {
                        Pos::At {
                            state: w.to,
                            spaced: false,
                        }
                    } else {
                        Pos::In {
                            state: st,
                            word: wi as u32,
                            done: 1,
                        }
                    });
                }
            }
        };
        for &p in &self.sets[state as usize] {
            match p {
                Pos::At { state: st, spaced } => {
                    let has_words = !c.states[st as usize].words.is_empty();
                    if byte == b' ' && !spaced && has_words {
                        out.push(Pos::At {
                            state: st,
                            spaced: true,
                        });
                    }
                    enter(st, &mut out);
                }
                Pos::In {
                    state: st,
                    word,
                    done,
                } => {
                    let w = &c.states[st as usize].words[word as usize];
                    let b = w.said.as_bytes();
                    if b.get(done as usize) == Some(&byte) {
                        out.push(if done as usize + 1 == b.len() {
                            Pos::At {
                                state: w.to,
                                spaced: false,
                            }
                        } else {
                            Pos::In {
                                state: st,
                                word,
                                done: done + 1,
                            }
                        });
                    }
                }
            }
        }
        let n = if out.is_empty() {
            None
        } else {
            Some(self.intern(out))
        };
        self.next[state as usize].insert(byte, n);
        n
    }

    /// The state after `bytes`, or `None`.
    pub fn feed(&mut self, mut state: u32, bytes: &[u8]) -> Option<u32> {
        for &b in bytes {
            state = self.step(state, b)?;
        }
        Some(state)
    }

    /// Whether the whole of `text` is in the language.
    pub fn accepts(&mut self, text: &str) -> bool {
        let s = self.start();
        self.feed(s, text.as_bytes())
            .is_some_and(|s| self.accepting(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers() -> Constraint {
        let mut b = ConstraintBuilder::new();
        b.phrase(&[Slot::new("สิบ"), Slot::with_variants("สี่", &["สี"])]);
        b.phrase(&[Slot::new("สิบ")]);
        b.phrase(&[Slot::with_variants("หนึ่ง", &["นึง"])]);
        b.phrase(&[Slot::new("14")]);
        b.build()
    }

    #[test]
    fn the_language_and_its_readings() {
        let c = numbers();
        let mut m = Matcher::new(c.clone());
        for ok in ["สิบสี่", " สิบ สี่", "สิบสี", "สิบ", "นึง", "14", " 14"]
        {
            assert!(m.accepts(ok), "{ok}");
        }
        for bad in ["สิบสอง", "สิบ  สี่", "15", "", "สิบสี่ ", "หนึ่งสิบ"]
        {
            assert!(!m.accepts(bad), "{bad}");
        }
        assert_eq!(c.read(" สิบ สี").as_deref(), Some("สิบ สี่"));
        assert_eq!(c.read("นึง").as_deref(), Some("หนึ่ง"));
        assert_eq!(c.read("สิบห้า"), None);
    }

    #[test]
    fn a_prefix_stays_alive_and_a_token_may_end_inside_a_character() {
        let mut m = Matcher::new(numbers());
        let s = m.start();
        let half = &"สิบ".as_bytes()[..4];
        let s = m.feed(s, half).expect("half a word is a prefix");
        assert!(!m.accepting(s));
        let s = m
            .feed(s, &"สิบ".as_bytes()[4..])
            .expect("the rest of the word");
        assert!(m.accepting(s), "สิบ alone is complete");
        assert!(m.feed(s, "ห้า".as_bytes()).is_none());
    }

    #[test]
    fn equal_suffixes_are_shared_and_union_keeps_both_languages() {
        let mut b = ConstraintBuilder::new();
        for h in ["หนึ่ง", "สอง", "สาม"] {
            b.phrase(&[Slot::new(h), Slot::new("นาฬิกา")]);
        }
        let c = b.build();
        // start, one state after any hour, the end.
        assert_eq!(c.states.len(), 3);
        let u = Constraint::union(&[c, numbers()]);
        let mut m = Matcher::new(u.clone());
        assert!(m.accepts("สองนาฬิกา") && m.accepts("สิบสี่") && !m.accepts("สอง"));
        assert_eq!(u.sample(100).len(), 3 + 4 + 1 + 1);
        let two = Constraint::concat(&numbers(), &numbers());
        let mut m2 = Matcher::new(two);
        assert!(m2.accepts("สิบ สิบสี่") && m2.accepts("14นึง") && !m2.accepts("14"));
        let json = serde_json::to_string(&u).expect("serialises");
        assert_eq!(
            serde_json::from_str::<Constraint>(&json).expect("reads back"),
            u
        );
    }
}
