use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "person", object = "address_kana")]
struct KanaAddress {
    line1: Option<String>,
    town: Option<String>,
}

#[derive(TokenRequest)]
#[token(kind = "person")]
struct Person {
    first_name: String,
    #[token(object = "address")]
    home: KanaAddress,
}

fn main() {}
