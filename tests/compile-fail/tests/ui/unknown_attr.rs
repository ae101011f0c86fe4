use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "card")]
struct Card {
    number: String,
    exp_month: u8,
    exp_year: u16,
    #[token(rename = "cvc")]
    security_code: Option<String>,
}

fn main() {}
