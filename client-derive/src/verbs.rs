//! The verbs a typed client can offer, as enums: a misspelled verb is an
//! error where it is parsed, never a silent no-op further down.

/// A standard verb of a typed client (client-gen's verbs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Create,
    Get,
    List,
    Watch,
    Update,
    UpdateStatus,
    Patch,
    PatchStatus,
    Apply,
    ApplyStatus,
    Delete,
    DeleteCollection,
}

impl Verb {
    /// Every verb, in client-gen's order (the order of the generated methods).
    pub const ALL: [Verb; 12] = [
        Verb::Create,
        Verb::Get,
        Verb::List,
        Verb::Watch,
        Verb::Update,
        Verb::UpdateStatus,
        Verb::Patch,
        Verb::PatchStatus,
        Verb::Apply,
        Verb::ApplyStatus,
        Verb::Delete,
        Verb::DeleteCollection,
    ];

    /// The names as written in `only_verbs(..)` / `skip_verbs(..)`, in [`Verb::ALL`]'s order.
    pub const NAMES: [&'static str; 12] = [
        "create",
        "get",
        "list",
        "watch",
        "update",
        "update_status",
        "patch",
        "patch_status",
        "apply",
        "apply_status",
        "delete",
        "delete_collection",
    ];

    /// The verb's name, which is also its method's name.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The verb called `name`, if any.
    pub fn from_name(name: &str) -> Option<Verb> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }

    /// `get`, `list` and `watch`: what `readonly` keeps.
    pub fn is_read(self) -> bool {
        matches!(self, Verb::Get | Verb::List | Verb::Watch)
    }

    /// The verbs of the status subresource, which need `status`.
    pub fn needs_status(self) -> bool {
        matches!(
            self,
            Verb::UpdateStatus | Verb::PatchStatus | Verb::ApplyStatus
        )
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// A set of standard verbs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verbs(u16);

impl Verbs {
    /// Every verb.
    pub const ALL: Verbs = Verbs((1 << Verb::ALL.len()) - 1);
    /// No verb.
    pub const NONE: Verbs = Verbs(0);

    /// Whether `verb` is in the set.
    pub fn has(self, verb: Verb) -> bool {
        self.0 & verb.bit() != 0
    }

    /// The set with `verb` added.
    pub fn with(self, verb: Verb) -> Verbs {
        Verbs(self.0 | verb.bit())
    }

    /// The set with `verb` removed.
    pub fn without(self, verb: Verb) -> Verbs {
        Verbs(self.0 & !verb.bit())
    }

    /// The verbs in the set, in client-gen's order.
    pub fn iter(self) -> impl Iterator<Item = Verb> {
        Verb::ALL.into_iter().filter(move |v| self.has(*v))
    }
}

/// The verb of a custom `method(..)`, mapped onto the core's subresource calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodVerb {
    Get,
    Create,
    Update,
    Patch,
}

impl MethodVerb {
    /// The names as written in `verb = ".."`.
    pub const NAMES: [&'static str; 4] = ["get", "create", "update", "patch"];

    /// The verb's name.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The method verb called `name`, if any.
    pub fn from_name(name: &str) -> Option<MethodVerb> {
        [
            MethodVerb::Get,
            MethodVerb::Create,
            MethodVerb::Update,
            MethodVerb::Patch,
        ]
        .into_iter()
        .find(|v| v.name() == name)
    }

    /// Whether the method sends a body of its own type (`input`).
    pub fn takes_input(self) -> bool {
        matches!(self, MethodVerb::Create | MethodVerb::Update)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for v in Verb::ALL {
            assert_eq!(Verb::from_name(v.name()), Some(v));
        }
        assert_eq!(Verb::from_name("gte"), None);
        for n in MethodVerb::NAMES {
            assert_eq!(MethodVerb::from_name(n).map(MethodVerb::name), Some(n));
        }
        assert_eq!(MethodVerb::from_name("list"), None);
    }

    #[test]
    fn sets() {
        let s = Verbs::NONE.with(Verb::Get).with(Verb::Watch);
        assert!(s.has(Verb::Get) && s.has(Verb::Watch) && !s.has(Verb::List));
        assert_eq!(s.iter().collect::<Vec<_>>(), [Verb::Get, Verb::Watch]);
        assert_eq!(Verbs::ALL.iter().count(), 12);
        assert!(!Verbs::ALL.without(Verb::Delete).has(Verb::Delete));
    }
}
