//! The bundled structure is exactly what the importer makes of the vendored OpenAPI extract.
//! Run with `UPDATE_SPEC=1` to rewrite `spec/params.json` after changing the importer.

use token_spec::import::import_openapi;
use token_spec::model::StructureFile;

fn vendored(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn bundled_structure_is_the_import_of_the_vendored_extract() {
    let imported = import_openapi(&vendored("stripe-openapi-tokens.json")).unwrap();
    if std::env::var_os("UPDATE_SPEC").is_some() {
        let text = serde_json::to_string_pretty(&imported).unwrap() + "\n";
        std::fs::write(
            format!("{}/spec/params.json", env!("CARGO_MANIFEST_DIR")),
            text,
        )
        .unwrap();
        return;
    }
    let bundled: StructureFile = serde_json::from_str(token_spec::BUNDLED_STRUCTURE).unwrap();
    assert_eq!(
        bundled, imported,
        "spec/params.json is not the import of tests/data/stripe-openapi-tokens.json; rerun with UPDATE_SPEC=1 and review the diff"
    );
}
