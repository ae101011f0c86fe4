// Every error of one struct is reported in one build: an unknown parameter, a wrong type,
// `MaybeUnset` on a parameter that cannot be unset, a parameter mapped twice and a missing
// required parameter (`exp_year`; `number` is not reported missing: `numbr` meant it).
use token_validate::{MaybeUnset, TokenRequest};

#[derive(TokenRequest)]
#[token(kind = "card")]
struct Card {
    numbr: String,
    exp_month: Vec<bool>,
    cvc: MaybeUnset<String>,
    name: String,
    #[token(param = "name")]
    holder: String,
}

fn main() {}
