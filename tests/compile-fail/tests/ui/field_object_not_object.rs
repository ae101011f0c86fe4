use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "person")]
struct Person {
    #[token(object = "email")]
    email: String,
}

fn main() {}
