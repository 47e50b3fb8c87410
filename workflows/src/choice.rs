//! Closed sets of answers (severity, harm category, override action…): each has a stable
//! storage name, a label people read, and a parser whose error lists what is accepted.

/// Declares a closed set of choices with `ALL`, `as_str`, `label`, `FromStr` and serde by name.
#[macro_export]
macro_rules! choice_enum {
    (
        $(#[$doc:meta])*
        $name:ident, field = $field:literal {
            $($(#[$vdoc:meta])* $variant:ident => ($key:literal, $label:literal)),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $key)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// `(stored name, label)` of every choice, for prompts that offer them.
            pub const OPTIONS: &'static [(&'static str, &'static str)] = &[$(($key, $label)),+];
            /// The input this choice answers, named in validation errors.
            pub const FIELD: &'static str = $field;

            /// The stable name stored and hashed; never changes meaning.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            /// What people see.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|c| c.as_str().eq_ignore_ascii_case(wanted) || c.label().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| {
                        let accepted: Vec<&str> = Self::ALL.iter().map(|c| c.as_str()).collect();
                        $crate::ValidationError::new(
                            $field,
                            format!("`{}` is not accepted; choose one of: {}", s, accepted.join(", ")),
                        )
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}
