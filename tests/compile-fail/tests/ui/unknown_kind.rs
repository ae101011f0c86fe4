use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "crad")]
struct Card {
    number: String,
}

fn main() {}
