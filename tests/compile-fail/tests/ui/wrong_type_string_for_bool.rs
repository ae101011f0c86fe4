use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "person")]
struct Owner {
    first_name: String,
    #[token(param = "relationship[owner]")]
    owner: String,
}

fn main() {}
