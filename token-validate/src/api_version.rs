//! Stripe API versions (`Stripe-Version: 2026-11-18.endive`) and how a request for a
//! version other than the bundled spec's is validated.
//!
//! The spec is Stripe's newest version
//! ([`token_spec::bundled()`](crate::token_spec::bundled)`.api_version`), with the breaking
//! changes of older versions as version gates (`Spec::gates`). A request names its version
//! in the `Stripe-Version` header ([`Context::with_api_version`](crate::Context::with_api_version)),
//! or none (the account's default version, taken here to be the newest):
//!
//! - the bundled version, or none: validated as always ([`Applied::Bundled`]);
//! - an older version: validated as that version ([`Applied::Older`]): the gates after it
//!   apply the old way ([`gates_before`]); optional parameters added since are accepted, as
//!   Stripe's versioning has it;
//! - a newer version, a version with a beta suffix (`; name=v1`), or one this module cannot
//!   read: the [`UnknownVersion`] policy decides ([`Applied::Strict`], [`Applied::Lenient`]
//!   or [`Applied::Pass`]). With a runtime spec (a newer Stripe OpenAPI,
//!   [`RuntimeSpec`](crate::RuntimeSpec)), "newer" means newer than its version.
//!
//! ```
//! use token_validate::api_version::{Applied, UnknownVersion, applied};
//!
//! let bundled = token_validate::token_spec::bundled().api_version.as_str();
//! assert_eq!(applied(None, bundled, UnknownVersion::Lenient), Applied::Bundled);
//! assert_eq!(applied(Some("2099-01-01.zeta"), bundled, UnknownVersion::Lenient), Applied::Lenient);
//! assert_eq!(applied(Some("2020-08-27"), bundled, UnknownVersion::Strict), Applied::Older);
//! ```

use std::cmp::Ordering;
use std::fmt;

/// What to do with a request for an API version newer than the bundled spec's (or one
/// that cannot be read).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnknownVersion {
    /// Validate it as the bundled version: a parameter the newer version added is refused
    /// as unknown. (The tower layer's default, and `token-validate serve --mock`'s.)
    #[default]
    Strict,
    /// Validate every parameter the spec knows and let unknown ones through: a newer
    /// version may have added them. (`token-validate serve`'s default in proxy mode.)
    Lenient,
    /// Do not validate it: pass it on untouched.
    Pass,
}

impl UnknownVersion {
    /// `strict`, `lenient` or `pass`.
    pub fn as_str(self) -> &'static str {
        match self {
            UnknownVersion::Strict => "strict",
            UnknownVersion::Lenient => "lenient",
            UnknownVersion::Pass => "pass",
        }
    }
}

impl fmt::Display for UnknownVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The validation that applied to one request, from its `Stripe-Version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Applied {
    /// The bundled version (or no `Stripe-Version`): validated as always.
    Bundled,
    /// An older version, validated as that version (the spec's version gates after it apply
    /// the old way).
    Older,
    /// A version newer than the bundled spec's that a runtime spec (a newer Stripe OpenAPI,
    /// [`RuntimeSpec`](crate::RuntimeSpec)) covers: validated with the parameters it adds.
    Runtime,
    /// A newer or unreadable version, validated as the bundled one ([`UnknownVersion::Strict`]).
    Strict,
    /// A newer or unreadable version, validated with unknown parameters let through
    /// ([`UnknownVersion::Lenient`]).
    Lenient,
    /// A newer or unreadable version, not validated ([`UnknownVersion::Pass`]).
    Pass,
}

impl Applied {
    /// `bundled`, `older`, `runtime`, `strict`, `lenient` or `pass`: the value of the policy
    /// header.
    pub fn as_str(self) -> &'static str {
        match self {
            Applied::Bundled => "bundled",
            Applied::Older => "older",
            Applied::Runtime => "runtime",
            Applied::Strict => "strict",
            Applied::Lenient => "lenient",
            Applied::Pass => "pass",
        }
    }

    /// Whether the request is validated at all.
    pub fn validates(self) -> bool {
        self != Applied::Pass
    }

    /// Whether parameters the spec does not know are let through.
    pub fn ignores_unknown(self) -> bool {
        self == Applied::Lenient
    }
}

impl fmt::Display for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The longest `Stripe-Version` value read (Stripe's are about 20 characters; a beta
/// list can be longer). A longer one is unreadable.
pub const MAX_VERSION_LEN: usize = 200;

pub use token_spec::history::release_date;

/// The release date of the version a request names, for the version gates: the part before
/// a beta suffix (`2015-10-12; feature_beta=v1` is read as `2015-10-12`).
pub fn request_date(version: &str) -> Option<(u16, u8, u8)> {
    let v = version.split(';').next().unwrap_or("").trim();
    release_date(v)
}

/// Which of the spec's version gates a request of `version` is before: bit `i` set for
/// gate `i` of `token_spec::Spec::gates` (none without a version, or for one that cannot be
/// read: validated as the newest version).
pub fn gates_before(version: Option<&str>, gates: &[token_spec::Gate]) -> u64 {
    let Some(date) = version.and_then(request_date) else {
        return 0;
    };
    gates
        .iter()
        .take(64)
        .enumerate()
        .filter(|(_, g)| date < g.date)
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// Which validation applies to a request whose `Stripe-Version` header is `requested`
/// (`None`: no header), when the spec describes version `bundled` and a runtime spec (if
/// any) version `runtime`: a version newer than the bundled one up to the runtime spec's
/// is [`Applied::Runtime`].
pub fn applied_with(
    requested: Option<&str>,
    bundled: &str,
    runtime: Option<&str>,
    unknown: UnknownVersion,
) -> Applied {
    let applied = applied(requested, bundled, unknown);
    match (applied, runtime, requested) {
        (Applied::Strict | Applied::Lenient | Applied::Pass, Some(rt), Some(req))
            if !req.contains(';')
                && release_date(req.trim())
                    .zip(release_date(rt))
                    .is_some_and(|(r, t)| r <= t) =>
        {
            Applied::Runtime
        }
        _ => applied,
    }
}

/// Which validation applies to a request whose `Stripe-Version` header is `requested`
/// (`None`: no header), when the spec describes version `bundled`.
pub fn applied(requested: Option<&str>, bundled: &str, unknown: UnknownVersion) -> Applied {
    let unknown = match unknown {
        UnknownVersion::Strict => Applied::Strict,
        UnknownVersion::Lenient => Applied::Lenient,
        UnknownVersion::Pass => Applied::Pass,
    };
    let Some(requested) = requested.map(str::trim) else {
        return Applied::Bundled;
    };
    if requested.is_empty() || requested == bundled {
        return Applied::Bundled;
    }
    // A beta suffix (`2026-07-29.dahlia; feature_beta=v1`) may add parameters.
    if requested.len() > MAX_VERSION_LEN || requested.contains(';') {
        return unknown;
    }
    match (release_date(requested), release_date(bundled)) {
        (Some(r), Some(b)) => match r.cmp(&b) {
            Ordering::Less => Applied::Older,
            // Same day, another name (a preview release): not the version described.
            Ordering::Equal | Ordering::Greater => unknown,
        },
        _ => unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "2026-07-29.dahlia";

    #[test]
    fn gates_by_request_date() {
        let gates = &token_validate::token_spec::bundled().gates;
        let all = (1u64 << gates.len()) - 1;
        assert_eq!(gates_before(None, gates), 0);
        assert_eq!(gates_before(Some("garbage"), gates), 0);
        assert_eq!(gates_before(Some("2026-11-18.endive"), gates), 0);
        assert_eq!(gates_before(Some("2010-01-01"), gates), all);
        // A gate's own version is on its far side.
        for (i, g) in gates.iter().enumerate() {
            assert_eq!(
                gates_before(Some(&g.version), gates) & (1 << i),
                0,
                "{}",
                g.version
            );
        }
        assert_eq!(
            gates_before(Some("2015-10-12; x_beta=v1"), gates),
            gates_before(Some("2015-10-12"), gates)
        );
        assert_eq!(request_date(" 2019-02-18 "), Some((2019, 2, 18)));
    }

    #[test]
    fn policies() {
        use UnknownVersion::*;
        assert_eq!(applied(None, B, Pass), Applied::Bundled);
        assert_eq!(applied(Some(B), B, Pass), Applied::Bundled);
        assert_eq!(applied(Some(" "), B, Pass), Applied::Bundled);
        assert_eq!(applied(Some("2024-06-20"), B, Lenient), Applied::Older);
        for newer in [
            "2026-10-28.endive",
            "2026-07-29.preview",
            "2026-07-29.dahlia; x_beta=v1",
            "garbage",
        ] {
            assert_eq!(applied(Some(newer), B, Strict), Applied::Strict, "{newer}");
            assert_eq!(
                applied(Some(newer), B, Lenient),
                Applied::Lenient,
                "{newer}"
            );
            assert_eq!(applied(Some(newer), B, Pass), Applied::Pass, "{newer}");
        }
        assert!(!Applied::Pass.validates() && Applied::Older.validates());
        // A runtime spec covers the versions up to its own.
        let rt = Some("2099-01-01.zeta");
        assert_eq!(
            applied_with(Some("2098-05-05"), B, rt, Pass),
            Applied::Runtime
        );
        assert_eq!(
            applied_with(Some("2099-01-01.zeta"), B, rt, Lenient),
            Applied::Runtime
        );
        assert_eq!(applied_with(Some("2100-01-01"), B, rt, Pass), Applied::Pass);
        assert_eq!(
            applied_with(Some("2024-06-20"), B, rt, Pass),
            Applied::Older
        );
        assert_eq!(applied_with(None, B, rt, Pass), Applied::Bundled);
        assert!(Applied::Runtime.validates() && !Applied::Runtime.ignores_unknown());
        assert!(Applied::Lenient.ignores_unknown() && !Applied::Strict.ignores_unknown());
    }
}
