//! The derive on a user's struct. The pipeline follows garde_derive: [`syntax`] parses,
//! [`check`] checks against the spec and collects every error (as serde_derive's `Ctxt`),
//! [`emit`] writes the impls, or a fallback impl when checking failed so that only the real
//! errors show.

mod check;
mod emit;
mod syntax;

/// The derive's expansion: the impls, or every error found plus impls that keep the rest of
/// the build quiet.
pub(crate) fn expand(input: syn::DeriveInput) -> proc_macro2::TokenStream {
    let spec = token_spec::bundled();
    let mut cx = syntax::Ctxt::default();
    let Some(cont) = syntax::Container::parse(&mut cx, &input) else {
        return cx.into_compile_errors();
    };
    let checked = check::check(&mut cx, spec, &cont);
    match checked {
        Some(c) if !cx.has_errors() => emit::emit(spec, &cont, &c),
        _ => {
            let fb = emit::fallback(&cont);
            let errs = cx.into_compile_errors();
            quote::quote! { #errs #fb }
        }
    }
}
