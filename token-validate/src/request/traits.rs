//! What a request type is: [`TokenRequest`] (derived with `#[derive(TokenRequest)]`, and
//! implemented by every generated request type) and [`TokenObject`] for its nested objects;
//! how a typed value's parameters are validated ([`validate_params`]).

use std::borrow::Cow;

use super::generated::Kind;
use super::generated::state::RequestState;
use super::kind::no_kind;
use crate::context::Context;
use crate::engine::run::{Run, Seg, State};
use crate::error::Errors;
use crate::options::{Limits, UnknownParams};
use crate::param::{FormEncoder, ParamSink, ToParam};
use crate::tree::{self, Object};
use token_spec::model::Confidence;

/// A request type checked against the spec: derive it with `#[derive(TokenRequest)]`.
pub trait TokenRequest {
    /// The token kind (`card`, `bank_account`, `cvc_update`, `pii`, `person`, `account`).
    const KIND: &'static str;

    /// Writes the request's parameters: each one's bracket path and value.
    fn to_params<'a>(&'a self, out: &mut dyn ParamSink<'a>);

    /// Runs every rule of the spec that applies, in Stripe's order: the request's parameters
    /// go straight into the generated validators, as a body's would.
    fn validate(&self, ctx: &Context) -> Result<(), Errors> {
        validate_params(ctx, |out| self.to_params(out)).map(|_| ())
    }

    /// Stripe's form encoding: `card[number]=...&card[exp_month]=...`.
    fn to_form(&self) -> String {
        let mut e = FormEncoder::new();
        self.to_params(&mut e);
        e.finish()
    }

    /// The request body as a parameter tree.
    fn to_body(&self) -> Object {
        let mut b = tree::TreeBuilder::default();
        self.to_params(&mut b);
        b.finish()
    }
}

#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a nested object of a token request",
    label = "this type does not derive `TokenRequest` as an object",
    note = "derive it with `#[derive(TokenRequest)]` and `#[token(kind = \"...\", object = \"...\")]`"
)]
/// A nested object of a request type: `#[derive(TokenRequest)]` with
/// `#[token(kind = "person", object = "address")]` implements it.
pub trait TokenObject: ToParam {
    /// The object's full bracket path, `person[address]`.
    const PATH: &'static str;
}

/// Feeds the pairs a value writes into the validators.
struct Feeder<'r, 'a, 'de> {
    run: &'r mut Run<'a>,
    root: &'r mut RequestState<'de>,
}

impl<'de> ParamSink<'de> for Feeder<'_, '_, 'de> {
    fn pair(&mut self, path: &[Cow<'de, str>], value: Cow<'de, str>) {
        if self.run.aborted() || path.is_empty() {
            return;
        }
        if !self.run.count_param(|| (0, path.join("/"))) {
            return;
        }
        let segs: smallvec::SmallVec<[Seg<'_, 'de>; 8]> = path
            .iter()
            .map(|s| Seg {
                text: s,
                body: match s {
                    Cow::Borrowed(b) => Some(*b),
                    Cow::Owned(_) => None,
                },
                at: 0,
                raw: (0, 0),
            })
            .collect();
        self.root.dispatch(self.run, &segs, value);
    }
}

/// Validates the parameters `write` writes (a typed request, a tree) and returns the kind.
pub(crate) fn validate_params<'de>(
    ctx: &Context,
    write: impl FnOnce(&mut dyn ParamSink<'de>),
) -> Result<Kind, Errors> {
    let limits = Limits {
        max_params: usize::MAX,
        max_array_len: usize::MAX,
        ..Limits::default()
    };
    let mut run = Run::new(ctx, &limits, UnknownParams::Reject, Confidence::L, None);
    let mut root = RequestState::default();
    write(&mut Feeder {
        run: &mut run,
        root: &mut root,
    });
    if !run.aborted() {
        root.finish(&mut run);
    }
    run.into_result()?;
    root.kind().ok_or_else(no_kind)
}
