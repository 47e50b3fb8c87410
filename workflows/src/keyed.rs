//! Keyed hashes (HMAC-SHA-256 with a server secret kept outside the database): how aimsbot
//! recognises the same person, or the same interaction, without storing who they are.
//!
//! A plain hash of a Discord user id would not do: the ids of a server's members are public
//! to its members, so anyone who can read the database could hash each one and find the
//! match. Without the secret, a keyed hash cannot be recomputed.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::Actor;

/// Computes keyed hashes with the server secret.
#[derive(Clone)]
pub struct KeyedHasher {
    key: Vec<u8>,
}

impl std::fmt::Debug for KeyedHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyedHasher([secret])")
    }
}

impl KeyedHasher {
    /// At least this many bytes of secret.
    pub const MIN_SECRET_LEN: usize = 32;

    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: secret.to_vec(),
        }
    }

    /// Who someone is, as a keyed hash: the same person on the same platform always gives
    /// the same text; the text does not reveal them.
    pub fn person(&self, actor: &Actor) -> String {
        self.hash(&["person", actor.platform.as_str(), &actor.platform_user_id])
    }

    /// An id that stands for a chat interaction (a replayed interaction gives the same id)
    /// without revealing it: interaction ids encode the moment they were made.
    pub fn interaction(&self, purpose: &str, interaction_id: &str) -> String {
        // 32 hex digits (128 bits) keep component ids short.
        let mut hash = self.hash(&["interaction", purpose, interaction_id]);
        hash.truncate(32);
        hash
    }

    fn hash(&self, parts: &[&str]) -> String {
        // HMAC accepts keys of any length: `new_from_slice` cannot fail for it.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            return String::new();
        };
        for part in parts {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_person_gives_the_same_key_and_nothing_of_them_shows() {
        let hasher = KeyedHasher::new(&[7; 32]);
        let alice = Actor::discord(1_100_000_000_000_000_501, "alice");
        let renamed = Actor::discord(1_100_000_000_000_000_501, "alice (away)");
        let key = hasher.person(&alice);
        assert_eq!(key, hasher.person(&renamed), "names may change");
        assert_ne!(
            key,
            hasher.person(&Actor::discord(1_100_000_000_000_000_502, "bob"))
        );
        assert!(!key.contains("1100000000000000501") && !key.contains("alice"));
        assert_ne!(
            key,
            KeyedHasher::new(&[8; 32]).person(&alice),
            "another secret, another key"
        );
    }

    #[test]
    fn interaction_ids_are_hidden_but_stable() {
        let hasher = KeyedHasher::new(&[7; 32]);
        let id = hasher.interaction("concern", "1300000000000000001");
        assert_eq!(id.len(), 32);
        assert_eq!(id, hasher.interaction("concern", "1300000000000000001"));
        assert_ne!(id, hasher.interaction("other", "1300000000000000001"));
    }
}
