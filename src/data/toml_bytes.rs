//! Classes of bytes in TOML, tested as the parser's reading tests them:
//! what a comment may hold, which bytes make a bare key, and the tests of
//! eight bytes at a time in one machine word that both the scanner
//! (`toml_scan`) and the document's reading (`document`) use.

/// The bytes of a bare key (`A-Za-z0-9_-`), looked up rather than tested
/// in turn: a submission has about a thousand keys.
static BARE_KEY_BYTES: [bool; 256] = bare_key_bytes();

/// May the byte be part of a bare key (`A-Za-z0-9_-`)?
#[inline(always)]
pub(super) fn bare_key_byte(b: u8) -> bool {
    BARE_KEY_BYTES.get(usize::from(b)) == Some(&true)
}

/// Run when the program is built: an index out of bounds would fail the
/// build, not a run.
#[allow(clippy::indexing_slicing)]
const fn bare_key_bytes() -> [bool; 256] {
    let mut bare = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        bare[b] = byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-';
        b += 1;
    }
    bare
}

/// `#` and then only tabs, printable ASCII and the bytes of other
/// characters (`non-eol` of the TOML grammar).
pub(super) fn comment_valid(bytes: &[u8]) -> bool {
    let allowed = |b: u8| b == b'\t' || (b >= 0x20 && b != 0x7f);
    let mut groups = bytes.chunks_exact(8);
    bytes.first() == Some(&b'#')
        && groups.by_ref().all(|group| {
            let v = u64::from_le_bytes(<[u8; 8]>::try_from(group).unwrap_or_default());
            !control_or_del(v) || group.iter().all(|&b| allowed(b))
        })
        && groups.remainder().iter().all(|&b| allowed(b))
}

/// Does a group of eight bytes hold a byte below 0x20 or DEL (or, rarely,
/// seem to: a group this says yes of is looked at byte by byte)?
fn control_or_del(v: u64) -> bool {
    controls(v) | holds(v, 0x7f) != 0
}

/// A high bit in each byte of a group below 0x20 (or, only then, in a
/// higher one): `v - 0x20…` borrows into the high bit of a byte whose own
/// high bit is clear.
pub(super) fn controls(v: u64) -> u64 {
    v.wrapping_sub(ONES * 0x20) & !v & HIGHS
}

/// A high bit in each byte of a group that is `b` (or, only then, in a
/// higher one): that byte of `v ^ b…` is zero. Masks, not truths: the
/// tests of a group are or-ed without a branch between them (a string is
/// tested group by group, and branching on each test cost 3 % of a unit).
pub(super) fn holds(v: u64, b: u8) -> u64 {
    let x = v ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Each byte of a group of eight, one.
const ONES: u64 = 0x0101_0101_0101_0101;
/// Each byte's high bit.
const HIGHS: u64 = 0x8080_8080_8080_8080;
