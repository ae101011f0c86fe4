use token_validate::TokenRequest;

struct Address {
    line1: String,
}

#[derive(TokenRequest)]
#[token(kind = "person")]
struct Person {
    first_name: String,
    #[token(object = "address")]
    home: Address,
}

fn main() {}
