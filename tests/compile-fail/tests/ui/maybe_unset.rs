use token_validate::{MaybeUnset, TokenRequest};

#[derive(TokenRequest)]
#[token(kind = "card")]
struct Card {
    number: String,
    exp_month: u8,
    exp_year: u16,
    name: MaybeUnset<String>,
}

fn main() {}
