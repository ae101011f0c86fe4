use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "card")]
struct Card {
    number: bool,
    exp_month: u8,
    exp_year: u16,
}

fn main() {}
