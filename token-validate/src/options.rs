//! What a caller can tune: the body limits ([`Limits`], with the ceilings no setting can
//! pass) and the [`Options`] of the `_with` functions (limits, unknown parameters, the
//! enforcement threshold, a runtime spec).

use std::sync::Arc;

use crate::runtime_spec::RuntimeSpec;
use token_spec::model::Confidence;

/// Depth ceiling applied whatever [`Limits::max_depth`] says, so recursion over a body
/// (reading, dropping, encoding) is always shallow.
pub const HARD_MAX_DEPTH: usize = 64;

/// Size ceiling applied whatever [`Limits::max_body_bytes`] says: 16 MiB, 256 times the
/// default, for the body and for the URL query string each (they are capped separately,
/// so a request holds at most twice this in memory while it is checked: the tower layer,
/// `serve` and the CLI read it whole). Stripe's own token requests are a few hundred
/// bytes.
pub const HARD_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Ceiling on the number of values applied whatever [`Limits::max_params`] says: 65,536, 64
/// times the default. Each value read costs a little memory (its place in the request, an
/// error if it is wrong): this bounds the total whatever the body.
pub const HARD_MAX_PARAMS: usize = 1 << 16;

/// Ceiling on list indexes applied whatever [`Limits::max_array_len`] says: the values
/// ceiling, [`HARD_MAX_PARAMS`] (a longer list cannot be sent without a gap, which is
/// refused). The set of indexes a list has seen is a bitmap no larger than the limit in
/// force: at most 8 KiB per list at this ceiling.
pub const HARD_MAX_ARRAY_LEN: usize = HARD_MAX_PARAMS;

/// Body limits, with safe defaults. Every limit is enforced while the body is read: no
/// body is materialised past them. Each has a hard ceiling that applies whatever it is set
/// to ([`HARD_MAX_BODY_BYTES`], [`HARD_MAX_DEPTH`], [`HARD_MAX_PARAMS`],
/// [`HARD_MAX_ARRAY_LEN`]; [`Limits::in_force`]), so that no setting lets one request
/// exhaust memory or recursion.
///
/// Built from the defaults with the `with_*` methods (the struct may gain limits, so it
/// cannot be written as a literal outside this crate):
///
/// ```
/// use token_validate::{HARD_MAX_PARAMS, Limits};
///
/// let limits = Limits::default().with_max_params(100).with_max_body_bytes(16 * 1024);
/// assert_eq!((limits.max_params, limits.max_depth), (100, 8));
/// // A limit above its ceiling is held to the ceiling.
/// let roomy = Limits::default().with_max_params(usize::MAX);
/// assert_eq!(roomy.in_force().max_params, HARD_MAX_PARAMS);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest body accepted, in bytes (default 64 KiB), and separately the largest URL
    /// query string: each is capped on its own, not their sum. Checked before reading. At
    /// most [`HARD_MAX_BODY_BYTES`].
    pub max_body_bytes: usize,
    /// Deepest path accepted, counting the top-level name as one level
    /// (default 8: `a[b][c][d][e][f][g][h]` is the deepest form key).
    /// At most [`HARD_MAX_DEPTH`].
    pub max_depth: usize,
    /// Most values accepted (default 1024): a form body's pairs; a JSON body's strings,
    /// numbers and booleans, and its objects and arrays with nothing in them, under known
    /// and unknown parameters alike. At most [`HARD_MAX_PARAMS`].
    pub max_params: usize,
    /// Array length limit (default 256): an index `>=` this is refused. At most
    /// [`HARD_MAX_ARRAY_LEN`].
    pub max_array_len: usize,
}

impl Default for Limits {
    /// 64 KiB body, depth 8, 1024 values, array indexes below 256.
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024,
            max_depth: 8,
            max_params: 1024,
            max_array_len: 256,
        }
    }
}

impl Limits {
    /// The default limits (as [`Limits::default`]).
    pub fn new() -> Self {
        Limits::default()
    }
    /// With this body size limit, in bytes ([`Limits::max_body_bytes`]; held to
    /// [`HARD_MAX_BODY_BYTES`] when applied).
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }
    /// With this depth limit ([`Limits::max_depth`]; held to [`HARD_MAX_DEPTH`] when
    /// applied).
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }
    /// With this limit on the number of values ([`Limits::max_params`]; held to
    /// [`HARD_MAX_PARAMS`] when applied).
    pub fn with_max_params(mut self, params: usize) -> Self {
        self.max_params = params;
        self
    }
    /// With this array length limit ([`Limits::max_array_len`]; held to
    /// [`HARD_MAX_ARRAY_LEN`] when applied).
    pub fn with_max_array_len(mut self, len: usize) -> Self {
        self.max_array_len = len;
        self
    }

    /// The limits in force: each held to its hard ceiling. Every reader of a body applies
    /// these, whatever the fields say.
    pub fn in_force(&self) -> Limits {
        Limits {
            max_body_bytes: self.max_body_bytes.min(HARD_MAX_BODY_BYTES),
            max_depth: self.max_depth.min(HARD_MAX_DEPTH),
            max_params: self.max_params.min(HARD_MAX_PARAMS),
            max_array_len: self.max_array_len.min(HARD_MAX_ARRAY_LEN),
        }
    }

    /// The depth limit in force: [`Limits::max_depth`] clamped to [`HARD_MAX_DEPTH`].
    pub(crate) fn depth(&self) -> usize {
        self.max_depth.min(HARD_MAX_DEPTH)
    }
}

/// Options for the `_with` functions ([`validate_form_with`](crate::validate_form_with), [`check_json_with`](crate::check_json_with), …) and
/// for [`check_request`](crate::check_request) and [`validate_request`](crate::validate_request).
///
/// Built with its methods (the struct may gain options, so it cannot be written as a
/// literal outside this crate):
///
/// ```
/// use token_validate::{Confidence, Limits, Options, UnknownParams};
///
/// let options = Options::new()
///     .limits(Limits::default().with_max_params(100))
///     .unknown_params(UnknownParams::Ignore)
///     .enforce(Confidence::M);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Body limits (size, depth, number of values, array length).
    pub limits: Limits,
    /// What to do with parameters the spec does not have (default: refuse them, as Stripe
    /// does).
    pub unknown_params: UnknownParams,
    /// The enforcement threshold: a problem whose error definition's confidence is below it
    /// is a warning, returned beside the accepted request by [`check_request`](crate::check_request) and
    /// [`validate_request`](crate::validate_request), never a rejection. The default, [`Confidence::L`], is strict:
    /// every problem rejects. [`Confidence::M`] rejects on H and M problems only (what
    /// `token-validate serve` does in front of Stripe), [`Confidence::H`] on H only.
    pub enforce: Confidence,
    /// Parameters learned from a Stripe OpenAPI document newer than the bundled spec
    /// ([`Options::runtime_spec`]).
    pub runtime_spec: Option<Arc<RuntimeSpec>>,
}

impl Default for Options {
    /// Default limits, unknown parameters refused, every problem enforced (strict), no
    /// runtime spec.
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            unknown_params: UnknownParams::default(),
            enforce: Confidence::L,
            runtime_spec: None,
        }
    }
}

impl Options {
    /// The default options.
    pub fn new() -> Self {
        Options::default()
    }
    /// With these limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// With this policy for unknown parameters.
    pub fn unknown_params(mut self, policy: UnknownParams) -> Self {
        self.unknown_params = policy;
        self
    }
    /// With this enforcement threshold ([`Options::enforce`]): problems of a lower
    /// confidence are warnings.
    pub fn enforce(mut self, threshold: Confidence) -> Self {
        self.enforce = threshold;
        self
    }
    /// With the parameters of a Stripe OpenAPI document newer than the bundled spec
    /// ([`runtime_spec`](crate::runtime_spec)): a parameter it has and the bundled spec does not is checked as
    /// the document states it (type, `maxLength`, enum) and accepted, and
    /// [`Accepted::runtime_params`](crate::Accepted::runtime_params) names it; without one it would be unknown. What
    /// `token-validate serve --openapi FILE` and `check --openapi FILE` do.
    pub fn runtime_spec(mut self, spec: Arc<RuntimeSpec>) -> Self {
        self.runtime_spec = Some(spec);
        self
    }
}

/// What to do with parameters the spec does not have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum UnknownParams {
    /// Refuse them with `parameter_unknown`, as Stripe does (the default).
    #[default]
    Reject,
    /// Let them through unchecked (a newer API version may have added them): everything
    /// else is still checked, and the typed request leaves them out.
    Ignore,
}
