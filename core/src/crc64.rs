//! CRC-64 as OSS reports it in `x-oss-hash-crc64ecma`.
//!
//! OSS uses CRC-64/XZ (ECMA-182 polynomial, reflected, init and final XOR all ones), the same
//! value oss2 computes with `crcmod`. The server sends it for every upload and download, so a
//! client that checks it catches corruption the transport did not.
//!
//! Two engines compute the same value: with the `std` feature [`Crc64::new`] uses `crc64fast`
//! (carry-less multiplication on x86-64 and aarch64), and a table-driven engine that needs
//! nothing but `core` is always available through [`Crc64::new_fallback`], so bare-metal builds
//! work and one test suite can hold both to the same vectors.
//!
//! ```
//! use oss_core::crc64::{self, Crc64};
//!
//! let mut crc = Crc64::new();
//! crc.update(b"12345");
//! crc.update(b"6789");
//! assert_eq!(crc.value(), 0x995D_C9BB_DF19_39FA);
//! assert_eq!(crc64::checksum(b"123456789"), crc.value());
//! // The server agrees: nothing to report.
//! assert!(crc64::check_crc64(crc.value(), Some("11051210869376104954")).is_ok());
//! ```

use alloc::format;
use alloc::string::String;
use core::fmt;

use crate::error::{DecodeError, Error, InconsistentError};

/// The header OSS reports the object's CRC-64 in.
const HEADER: &str = "x-oss-hash-crc64ecma";

/// The ECMA-182 polynomial, bit-reversed: CRC-64/XZ processes the least significant bit first.
const POLY: u64 = 0xC96C_5795_D787_0F42;

/// Incremental CRC-64/XZ: feed the bytes in any number of pieces, read the value at any time.
///
/// ```
/// use oss_core::crc64::Crc64;
///
/// // An append upload continues the CRC of what the object already holds.
/// let mut crc = Crc64::with_init(oss_core::crc64::checksum(b"1234"));
/// crc.update(b"56789");
/// assert_eq!(crc.value(), 0x995D_C9BB_DF19_39FA);
/// ```
#[derive(Clone)]
pub struct Crc64 {
    engine: Engine,
}

#[derive(Clone)]
enum Engine {
    /// crc64fast cannot be seeded, so a continued CRC is folded in with [`combine`] when the
    /// value is read; that needs the number of bytes hashed since.
    #[cfg(feature = "std")]
    Fast {
        digest: crc64fast::Digest,
        init: u64,
        len: u64,
    },
    /// The raw register: the CRC so far with the final XOR still applied.
    Table { register: u64 },
}

impl Crc64 {
    /// A CRC over no bytes yet, on the fastest engine this build has.
    pub fn new() -> Self {
        Self::with_init(0)
    }

    /// Continues from `init_crc`, the CRC of earlier bytes: the value is then the CRC of those
    /// bytes followed by everything fed here, as oss2's `Crc64(init_crc)` does for
    /// `append_object`.
    pub fn with_init(init_crc: u64) -> Self {
        #[cfg(feature = "std")]
        {
            Self {
                engine: Engine::Fast {
                    digest: crc64fast::Digest::new(),
                    init: init_crc,
                    len: 0,
                },
            }
        }
        #[cfg(not(feature = "std"))]
        {
            Self::with_init_fallback(init_crc)
        }
    }

    /// Like [`Crc64::new`], but always on the portable table engine (what builds without `std`
    /// use), so it can be tested and measured beside the fast one.
    pub fn new_fallback() -> Self {
        Self::with_init_fallback(0)
    }

    /// Like [`Crc64::with_init`], on the portable table engine.
    pub fn with_init_fallback(init_crc: u64) -> Self {
        // Undoing the final XOR turns a finished CRC back into the register it came from, which
        // is exactly where hashing the following bytes has to start.
        Self {
            engine: Engine::Table {
                register: !init_crc,
            },
        }
    }

    /// Whether this hasher runs on the portable table engine rather than `crc64fast`.
    pub fn is_fallback(&self) -> bool {
        matches!(self.engine, Engine::Table { .. })
    }

    /// Feeds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.engine {
            #[cfg(feature = "std")]
            Engine::Fast { digest, len, .. } => {
                digest.write(bytes);
                // Wrapping only matters past 16 EiB, which no object reaches.
                *len = len.wrapping_add(bytes.len() as u64);
            }
            Engine::Table { register } => *register = table::update(*register, bytes),
        }
    }

    /// The CRC of everything fed so far (after the initial CRC, if any); hashing can go on.
    pub fn value(&self) -> u64 {
        match &self.engine {
            #[cfg(feature = "std")]
            Engine::Fast { digest, init, len } => {
                let tail = digest.sum64();
                // An empty prefix has CRC 0, and shifting 0 gives 0: nothing to fold in.
                if *init == 0 {
                    tail
                } else {
                    combine(*init, tail, *len)
                }
            }
            Engine::Table { register } => !*register,
        }
    }
}

impl Default for Crc64 {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Crc64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let engine = if self.is_fallback() {
            "table"
        } else {
            "crc64fast"
        };
        f.debug_struct("Crc64")
            .field("engine", &engine)
            .field("value", &format_args!("{:#018x}", self.value()))
            .finish()
    }
}

/// The CRC-64 of `data` in one call.
pub fn checksum(data: &[u8]) -> u64 {
    let mut crc = Crc64::new();
    crc.update(data);
    crc.value()
}

/// The CRC of `A ‖ B` from `crc_a` = CRC(A), `crc_b` = CRC(B) and `len_b` = len(B), without the
/// bytes: how a multipart object's CRC follows from its parts', and how a continued CRC is
/// finished on an engine that cannot be seeded.
///
/// Why it works: the CRC register is linear over GF(2). With init and final XOR both all ones,
/// their contributions cancel and `CRC(A ‖ B) = Z^len_b(CRC(A)) ⊕ CRC(B)`, where `Z` is the
/// register update for one zero byte. zlib applies `Z^n` as a 64×64 bit matrix raised to the
/// n-th power by squaring; here the same linear map is applied as what it is, multiplication by
/// `x^(8·n)` modulo the polynomial, with the powers `x^(8·2^k)` precomputed at compile time.
/// The cost is at most 64 multiplications of 64 steps whatever `len_b` is.
pub fn combine(crc_a: u64, crc_b: u64, len_b: u64) -> u64 {
    let mut shifted = crc_a;
    for (k, power) in gf2::X8_POW2.iter().enumerate() {
        let rest = len_b >> k;
        if rest == 0 {
            break;
        }
        if rest & 1 == 1 {
            shifted = gf2::mul_mod_p(*power, shifted);
        }
    }
    shifted ^ crc_b
}

/// The whole object's CRC from its parts' `(size, crc)` in part order, as OSS computes it for a
/// completed multipart upload.
///
/// `None` when any part has size 0 or CRC 0: like oss2's `calc_obj_crc_from_parts`, such a part
/// is taken as "not known" (the caller did not record it), so there is nothing to check against
/// and the check is skipped rather than failed. No parts at all gives `Some(0)`, the CRC of an
/// empty object.
pub fn object_crc_from_parts(parts: impl IntoIterator<Item = (u64, u64)>) -> Option<u64> {
    parts.into_iter().try_fold(0, |object_crc, (size, crc)| {
        (size != 0 && crc != 0).then(|| combine(object_crc, crc, size))
    })
}

/// Compares the CRC this side computed with the server's `x-oss-hash-crc64ecma` header.
///
/// A missing header passes: not every OSS response carries one (ranged and gzip-encoded
/// downloads, older gateways), and oss2 skips the check then too. A header that is not a plain
/// unsigned decimal `u64` (surrounding ASCII white space aside) is a decode error, since a
/// check that cannot be read proves nothing either way. A different value means the bytes were
/// corrupted somewhere: [`Error::Inconsistent`], which a retry may cure.
pub fn check_crc64(client_crc: u64, server_header: Option<&str>) -> Result<(), Error> {
    let Some(header) = server_header else {
        return Ok(());
    };
    let server_crc = parse_decimal_u64(header).map_err(|reason| {
        Error::Decode(DecodeError {
            what: HEADER.into(),
            reason,
        })
    })?;
    if server_crc == client_crc {
        Ok(())
    } else {
        Err(Error::Inconsistent(InconsistentError {
            client_crc,
            server_crc,
        }))
    }
}

/// Digits only: `str::parse` would also take a leading `+`, which no OSS server sends.
fn parse_decimal_u64(text: &str) -> Result<u64, String> {
    let digits = text.trim_ascii();
    if digits.is_empty() {
        return Err(String::from("the value is empty"));
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not an unsigned decimal number"));
    }
    digits
        .bytes()
        .try_fold(0u64, |n, b| {
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        })
        .ok_or_else(|| format!("{text:?} does not fit in 64 bits"))
}

/// Polynomial arithmetic modulo the CRC polynomial, in the CRC's bit-reversed representation
/// (bit 63 holds the coefficient of `x^0`, bit 0 that of `x^63`).
mod gf2 {
    use super::POLY;

    /// `x^(8·2^k) mod P` for k = 0‥63: squaring the previous entry doubles the exponent, so any
    /// byte count up to `u64::MAX` is a product of at most 64 of them.
    pub(super) static X8_POW2: [u64; 64] = {
        let mut powers = [0u64; 64];
        // x^8: below degree 64, nothing to reduce.
        powers[0] = 1 << (63 - 8);
        let mut k = 1;
        while k < 64 {
            powers[k] = mul_mod_p(powers[k - 1], powers[k - 1]);
            k += 1;
        }
        powers
    };

    /// `b · x mod P`: a shift towards higher degree is a right shift here, and the `x^64` that
    /// falls out is replaced by `P - x^64`.
    const fn times_x(b: u64) -> u64 {
        if b & 1 == 1 { (b >> 1) ^ POLY } else { b >> 1 }
    }

    /// `a · b mod P`.
    pub(super) const fn mul_mod_p(a: u64, b: u64) -> u64 {
        let (mut a, mut b, mut product) = (a, b, 0);
        // Walk `a` from x^0 upwards, adding `b · x^i` for every set coefficient; stop as soon as
        // no higher coefficient is left.
        while a != 0 {
            if a & (1 << 63) != 0 {
                product ^= b;
            }
            a <<= 1;
            b = times_x(b);
        }
        product
    }
}

/// The portable engine: slicing-by-16 over tables built at compile time.
///
/// Byte-at-a-time CRC is a chain of dependent table loads; 16 tables let the 16 loads of a
/// block run independently and merge with XORs, several times faster on any CPU with a cache,
/// for 32 KiB of read-only data. With the `compact-crc` feature: one 2 KiB table, byte at a
/// time (the npm package trades the speed for 30 KB).
mod table {
    use super::POLY;

    /// Sixteen tables, or one with the `compact-crc` feature (byte at a time).
    #[cfg(not(feature = "compact-crc"))]
    const SLICES: usize = 16;
    #[cfg(feature = "compact-crc")]
    const SLICES: usize = 1;

    /// `TABLES[k][b]`: the register contribution of byte `b` followed by `k` zero bytes.
    static TABLES: [[u64; 256]; SLICES] = build();

    const fn build() -> [[u64; 256]; SLICES] {
        let mut tables = [[0u64; 256]; SLICES];
        let mut byte = 0;
        while byte < 256 {
            let mut crc = byte as u64;
            let mut bit = 0;
            while bit < 8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ POLY
                } else {
                    crc >> 1
                };
                bit += 1;
            }
            tables[0][byte] = crc;
            byte += 1;
        }
        let mut k = 1;
        while k < SLICES {
            let mut byte = 0;
            while byte < 256 {
                let prev = tables[k - 1][byte];
                tables[k][byte] = (prev >> 8) ^ tables[0][(prev & 0xff) as usize];
                byte += 1;
            }
            k += 1;
        }
        tables
    }

    fn at(k: usize, index: u64) -> u64 {
        // `k` is a literal below SLICES at every call, the index is a byte: always in bounds.
        TABLES[k][usize::from(index as u8)]
    }

    /// Advances the raw register over `bytes`.
    pub(super) fn update(mut register: u64, bytes: &[u8]) -> u64 {
        #[cfg(not(feature = "compact-crc"))]
        let bytes = {
            let (register_after, rest) = update_blocks(register, bytes);
            register = register_after;
            rest
        };
        for &byte in bytes {
            register = at(0, register ^ u64::from(byte)) ^ (register >> 8);
        }
        register
    }

    /// Advances the raw register over the whole 16-byte blocks of `bytes`; returns it and the
    /// bytes left over.
    #[cfg(not(feature = "compact-crc"))]
    fn update_blocks(mut register: u64, bytes: &[u8]) -> (u64, &[u8]) {
        let mut blocks = bytes.chunks_exact(16);
        for block in &mut blocks {
            let mut lo = [0u8; 8];
            let mut hi = [0u8; 8];
            let (l, h) = block.split_at(8);
            lo.copy_from_slice(l);
            hi.copy_from_slice(h);
            let lo = u64::from_le_bytes(lo) ^ register;
            let hi = u64::from_le_bytes(hi);
            register = at(15, lo)
                ^ at(14, lo >> 8)
                ^ at(13, lo >> 16)
                ^ at(12, lo >> 24)
                ^ at(11, lo >> 32)
                ^ at(10, lo >> 40)
                ^ at(9, lo >> 48)
                ^ at(8, lo >> 56)
                ^ at(7, hi)
                ^ at(6, hi >> 8)
                ^ at(5, hi >> 16)
                ^ at(4, hi >> 24)
                ^ at(3, hi >> 32)
                ^ at(2, hi >> 40)
                ^ at(1, hi >> 48)
                ^ at(0, hi >> 56);
        }
        (register, blocks.remainder())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECK: u64 = 0x995D_C9BB_DF19_39FA;

    fn both(init: u64, data: &[u8]) -> [u64; 2] {
        let mut fast = Crc64::with_init(init);
        let mut table = Crc64::with_init_fallback(init);
        fast.update(data);
        table.update(data);
        [fast.value(), table.value()]
    }

    /// Bit-at-a-time straight from the definition, sharing nothing with either engine.
    fn reference(data: &[u8]) -> u64 {
        let mut register = !0u64;
        for &byte in data {
            register ^= u64::from(byte);
            for _ in 0..8 {
                register = if register & 1 == 1 {
                    (register >> 1) ^ POLY
                } else {
                    register >> 1
                };
            }
        }
        !register
    }

    fn pseudo_random(len: usize) -> alloc::vec::Vec<u8> {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn check_value() {
        assert_eq!(both(0, b"123456789"), [CHECK; 2]);
        assert_eq!(checksum(b"123456789"), CHECK);
        assert_eq!(reference(b"123456789"), CHECK);
    }

    #[test]
    fn empty_is_zero_and_init_passes_through() {
        assert_eq!(both(0, b""), [0, 0]);
        assert_eq!(both(CHECK, b""), [CHECK; 2]);
        assert_eq!(Crc64::default().value(), 0);
    }

    #[test]
    fn engines_match_reference_at_every_length_around_the_block_size() {
        let data = pseudo_random(100);
        for len in 0..=data.len() {
            let expected = reference(&data[..len]);
            assert_eq!(both(0, &data[..len]), [expected; 2], "len {len}");
        }
    }

    #[test]
    fn with_init_continues_a_crc() {
        let data = pseudo_random(300);
        for split in [0, 1, 15, 16, 17, 150, 299, 300] {
            let (a, b) = data.split_at(split);
            assert_eq!(both(checksum(a), b), [reference(&data); 2], "split {split}");
        }
    }

    #[test]
    fn combine_matches_concatenation() {
        let data = pseudo_random(1000);
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let (a, b) = data.split_at(split);
            let combined = combine(reference(a), reference(b), b.len() as u64);
            assert_eq!(combined, reference(&data), "split {split}");
        }
    }

    #[test]
    fn combine_with_empty_tail_is_identity() {
        for crc in [0, 1, CHECK, u64::MAX] {
            assert_eq!(combine(crc, 0, 0), crc);
        }
    }

    #[test]
    fn combine_shift_equals_feeding_zero_bytes() {
        // Z^n applied by hand: n zero bytes through the raw register.
        for n in [1u64, 2, 3, 8, 255, 256, 1000] {
            let mut register = CHECK;
            for _ in 0..n {
                for _ in 0..8 {
                    register = if register & 1 == 1 {
                        (register >> 1) ^ POLY
                    } else {
                        register >> 1
                    };
                }
            }
            assert_eq!(combine(CHECK, 0, n), register, "n {n}");
        }
    }

    #[test]
    fn combine_huge_lengths_compose() {
        // Shifting by n1 then by n2 is shifting by n1 + n2, also where every power is used.
        for (n1, n2) in [
            (u64::MAX - 5, 5),
            (1 << 63, (1 << 63) - 1),
            ((1 << 40) + 12345, 1 << 50),
        ] {
            let stepwise = combine(combine(CHECK, 0, n1), 0, n2);
            assert_eq!(stepwise, combine(CHECK, 0, n1 + n2));
            assert_eq!(combine(CHECK, 1, n1 + n2), stepwise ^ 1);
            assert_eq!(combine(0, CHECK, n1), CHECK);
        }
    }

    #[test]
    fn parts_fold_in_order() {
        let data = pseudo_random(777);
        let parts = [(0usize, 100usize), (100, 600), (600, 777)];
        let folded = object_crc_from_parts(
            parts.map(|(start, end)| ((end - start) as u64, checksum(&data[start..end]))),
        );
        assert_eq!(folded, Some(checksum(&data)));
    }

    #[test]
    fn parts_with_unknown_size_or_crc_skip_the_check() {
        assert_eq!(object_crc_from_parts([(10, 5), (0, 7)]), None);
        assert_eq!(object_crc_from_parts([(10, 0), (3, 7)]), None);
        assert_eq!(object_crc_from_parts([]), Some(0));
        assert_eq!(object_crc_from_parts([(9, CHECK)]), Some(CHECK));
    }

    #[test]
    fn check_crc64_accepts_matching_or_missing_header() {
        assert_eq!(check_crc64(CHECK, Some("11051210869376104954")), Ok(()));
        assert_eq!(check_crc64(CHECK, Some(" 11051210869376104954\t")), Ok(()));
        assert_eq!(check_crc64(0, Some("0")), Ok(()));
        assert_eq!(check_crc64(CHECK, None), Ok(()));
    }

    #[test]
    fn check_crc64_reports_a_mismatch() {
        let err = check_crc64(CHECK, Some("1")).unwrap_err();
        assert_eq!(
            err,
            Error::Inconsistent(InconsistentError {
                client_crc: CHECK,
                server_crc: 1,
            })
        );
        assert!(err.is_retryable());
    }

    #[test]
    fn check_crc64_refuses_unreadable_headers() {
        for bad in [
            "",
            "   ",
            "+1",
            "-1",
            "0x10",
            "1 2",
            "12a",
            "１２",
            "18446744073709551616",
            "99999999999999999999999999",
        ] {
            match check_crc64(0, Some(bad)) {
                Err(Error::Decode(DecodeError { what, .. })) => assert_eq!(what, HEADER),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
        assert_eq!(check_crc64(u64::MAX, Some("18446744073709551615")), Ok(()));
    }

    #[test]
    fn debug_names_the_engine() {
        let text = format!("{:?}", Crc64::new_fallback());
        assert!(text.contains("table"), "{text}");
        assert!(Crc64::new_fallback().is_fallback());
        assert_eq!(Crc64::new().is_fallback(), cfg!(not(feature = "std")));
    }
}
