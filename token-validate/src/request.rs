//! The request types of all six token kinds, generated from the spec by
//! `#[derive(TokenRequest)]`'s machinery (`token_derive::generate_requests!`), the
//! [`Request`] enum over them, the [`Kind`] enum, and their validators (one state per
//! object of the spec, in the hidden `state` module).
//!
//! Every struct derives `TokenRequest`, `serde::Serialize`/`Deserialize` (JSON) and a
//! `Debug` that redacts secret fields, and implements `schemars::JsonSchema` with the very
//! schema `token-validate schema` prints for its node. Closed enums are Rust enums; open
//! ones (Stripe's `x-stripeBypassValidation`) keep unknown values in `Other`; `""` unset
//! values are [`MaybeUnset::Unset`](crate::MaybeUnset::Unset).

token_derive::generate_requests!();

#[cfg(test)]
mod tests {
    use super::state::{gate, kind, node, rule};

    /// The named constants the generated validators use (`node::CARD__EXP_MONTH`,
    /// `rule::CARD_EXP_MONTH`, `kind::CARD`, `gate::…`) stand for what their names say in
    /// the spec the runtime loads, and name every node, rule, kind and gate of it.
    #[test]
    fn generated_constants_match_the_spec() {
        let spec = token_spec::bundled();
        assert_eq!(node::ALL.len(), spec.nodes().len());
        for (path, id) in node::ALL {
            assert_eq!(spec.node(*id).path, *path);
        }
        assert_eq!(spec.node(node::CARD__EXP_MONTH).path, "card[exp_month]");
        assert_eq!(node::ROOT, token_spec::NodeId::ROOT);

        assert_eq!(rule::ALL.len(), spec.rules.len());
        for (id, target, index) in rule::ALL {
            let r = &spec.rules[*index];
            assert_eq!(
                (r.id.as_str(), spec.node(r.target).path.as_str()),
                (*id, *target)
            );
        }
        assert_eq!(spec.rules[rule::CARD_EXP_MONTH].id, "card_exp_month");

        assert_eq!(kind::ALL.len(), spec.kinds.len());
        for (name, index) in kind::ALL {
            assert_eq!(spec.kinds[*index].name, *name);
        }
        assert_eq!(spec.kinds[kind::CARD].name, "card");

        assert_eq!(gate::ALL.len(), spec.gates.len());
        for (id, index) in gate::ALL {
            assert_eq!(spec.gates[*index].id, *id);
        }
    }
}
