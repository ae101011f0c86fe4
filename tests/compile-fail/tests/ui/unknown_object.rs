use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "person", object = "adress")]
struct Address {
    line1: String,
}

fn main() {}
