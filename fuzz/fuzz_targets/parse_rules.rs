//! The rule parser on any text: `parse_file` returns a file or an error,
//! never panics or overflows the stack; a file that parses also formats, and
//! the formatted text parses again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if jixiao::syntax::parse_file(0, text).is_ok() {
        let formatted = jixiao::syntax::format::format(0, text)
            .unwrap_or_else(|e| panic!("parses but does not format: {e:?}"));
        assert!(
            jixiao::syntax::parse_file(0, &formatted).is_ok(),
            "formatted text does not parse:\n{formatted}"
        );
    }
});
