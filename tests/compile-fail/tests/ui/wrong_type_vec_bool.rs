use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "card")]
struct Card {
    number: String,
    exp_month: Vec<bool>,
    exp_year: u16,
}

fn main() {}
