//! What `#[derive(FromPair)]` needs to know about a rule, written by
//! `parser!` from the same grammar text it compiles, so a derived type is
//! checked at compile time against exactly the grammar of its parser.

/// The shape of a rule's pairs: how many children one has and whether it
/// can contain a pair of its own rule. `parser!` gives one per rule
/// (`Rule::__imap_shape`); the derive reads it in constants.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct RuleShape {
    /// The fewest child pairs a pair of the rule has.
    pub min: u32,
    /// The most; `u32::MAX` when there is no limit.
    pub max: u32,
    /// Whether a pair of the rule can contain one of the same rule (its
    /// conversion then recurses as deep as the input nests).
    pub recursive: bool,
    /// `min` and `max` in words ("exactly 4", "at least 1"), for messages.
    pub children: &'static str,
}

impl RuleShape {
    /// Unless fields that take `min..=max` children (`u32::MAX`: no limit)
    /// can take what the rule gives, the message for the compile error.
    /// `what` names the type, `taken` says `min`/`max` in words.
    pub const fn mismatch(self, min: u32, max: u32, what: &str, rule: &str, taken: &str) -> Option<Message> {
        let too_few_fields = self.min > max;
        let too_many_fields = self.max < min;
        if too_few_fields || too_many_fields {
            let parts = [
                "`",
                what,
                "` cannot fit rule `",
                rule,
                "`: the rule produces ",
                self.children,
                " child pairs, the fields take ",
                taken,
            ];
            Some(Message::join(&parts))
        } else {
            None
        }
    }
}

/// A message built in a constant, where there is no formatting or
/// allocation: parts joined into a fixed buffer (cut at 512 bytes).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Message {
    bytes: [u8; 512],
    len: usize,
}

impl Message {
    const fn join(parts: &[&str]) -> Message {
        let mut message = Message { bytes: [0; 512], len: 0 };
        let mut part = 0;
        while part < parts.len() {
            let bytes = parts[part].as_bytes();
            let mut i = 0;
            while i < bytes.len() && message.len < message.bytes.len() {
                message.bytes[message.len] = bytes[i];
                message.len += 1;
                i += 1;
            }
            part += 1;
        }
        message
    }

    /// The text (up to the last whole character, if it was cut).
    pub const fn as_str(&self) -> &str {
        let mut len = self.len;
        loop {
            match std::str::from_utf8(self.bytes.split_at(len).0) {
                Ok(text) => return text,
                Err(_) => len -= 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RuleShape;

    const ADDRESS: RuleShape = RuleShape { min: 4, max: 4, recursive: false, children: "exactly 4" };

    #[test]
    fn fields_that_can_take_the_children_pass() {
        assert!(ADDRESS.mismatch(4, 4, "A", "address", "exactly 4").is_none());
        assert!(ADDRESS.mismatch(0, u32::MAX, "A", "address", "at least 0").is_none());
    }

    #[test]
    fn too_few_fields_fail_with_both_counts() {
        let message = ADDRESS.mismatch(0, 1, "Short", "address", "0 to 1").unwrap();
        assert_eq!(
            message.as_str(),
            "`Short` cannot fit rule `address`: the rule produces exactly 4 child pairs, the fields take 0 to 1"
        );
    }

    #[test]
    fn too_many_fields_fail() {
        let message = ADDRESS.mismatch(5, 5, "Long", "address", "exactly 5").unwrap();
        assert!(message.as_str().ends_with("the fields take exactly 5"));
    }

    #[test]
    fn a_long_message_is_cut_at_a_character_boundary() {
        let what = "é".repeat(300);
        let message = ADDRESS.mismatch(5, 5, &what, "address", "exactly 5").unwrap();
        assert!(message.as_str().len() <= 512 && message.as_str().len() >= 510);
    }
}
