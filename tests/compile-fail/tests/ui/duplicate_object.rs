use token_validate::{PersonDob, TokenRequest};

#[derive(TokenRequest)]
#[token(kind = "person")]
struct Person {
    #[token(object = "dob")]
    dob: PersonDob,
    #[token(param = "dob[day]")]
    day: u8,
}

fn main() {}
