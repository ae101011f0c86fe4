use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "person", object = "first_name")]
struct Name {
    value: String,
}

fn main() {}
