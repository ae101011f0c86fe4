use token_validate::{Context, TokenRequest};

#[derive(TokenRequest)]
#[token(kind = "person", object = "address")]
struct Address {
    #[token(param = "line1")]
    street: String,
    city: Option<String>,
    postal_code: Option<String>,
    country: String,
}

#[derive(TokenRequest)]
#[token(kind = "person")]
struct Person {
    first_name: String,
    #[token(object = "address")]
    home: Address,
    #[token(object = "address_kanji")]
    kanji: Option<token_validate::PersonAddressKanji>,
}

fn main() {
    assert_eq!(
        <Address as token_validate::TokenObject>::PATH,
        "person[address]"
    );
    let p = Person {
        first_name: "Jenny".into(),
        home: Address {
            street: "1 Main St".into(),
            city: None,
            postal_code: Some("94107".into()),
            country: "US".into(),
        },
        kanji: None,
    };
    p.validate(&Context::test_secret()).unwrap();
    assert_eq!(
        p.to_form(),
        "person[first_name]=Jenny&person[address][line1]=1+Main+St&person[address][postal_code]=94107&person[address][country]=US"
    );
}
