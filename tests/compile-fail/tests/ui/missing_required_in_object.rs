use token_validate::TokenRequest;

#[derive(TokenRequest)]
#[token(kind = "person")]
struct Person {
    #[token(param = "dob[day]")]
    day: u8,
    #[token(param = "dob[month]")]
    month: u8,
}

fn main() {}
