use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "card")]
struct Card {
    number: String,
    exp_month: u8,
}

fn main() {}
