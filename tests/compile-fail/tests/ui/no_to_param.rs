use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "card")]
struct Card {
    number: String,
    exp_month: char,
    exp_year: u16,
}

fn main() {}
