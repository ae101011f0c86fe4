use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "card", strict)]
struct Card {
    number: String,
    exp_month: u8,
    exp_year: u16,
}

fn main() {}
