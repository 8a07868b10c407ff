//! Identicons: a symmetric 5×5 pattern and a colour, both drawn from a
//! keyed hash of the author, so no outside service learns who reads what.

/// The SVG for a seed of 20 hex digits (as made by `Keys::avatar_seed`);
/// `None` for anything else, which has no picture.
pub fn svg(seed: &str) -> Option<String> {
    if seed.len() != 20 || !seed.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let bytes: Vec<u8> = (0..10)
        .map(|i| u8::from_str_radix(&seed[i * 2..i * 2 + 2], 16).unwrap_or(0))
        .collect();
    let hue = u16::from_be_bytes([bytes[0], bytes[1]]) % 360;
    let bits = u32::from_be_bytes([bytes[2], bytes[3], bytes[4], bytes[5]]);
    let mut cells = String::new();
    for row in 0..5 {
        for col in 0..3 {
            if bits >> (row * 3 + col) & 1 == 1 {
                for x in [col, 4 - col] {
                    if col == 2 && x != col {
                        continue;
                    }
                    cells.push_str(&format!(
                        "<rect x=\"{}\" y=\"{}\" width=\"1\" height=\"1\"/>",
                        x + 1,
                        row + 1
                    ));
                }
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 7 7\" width=\"48\" height=\"48\" role=\"img\" aria-hidden=\"true\">\
         <rect width=\"7\" height=\"7\" fill=\"hsl({hue},45%,92%)\"/><g fill=\"hsl({hue},55%,38%)\">{cells}</g></svg>"
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn identicons_are_stable_and_refuse_bad_seeds() {
        let a = super::svg("0123456789abcdef0123").unwrap();
        assert_eq!(a, super::svg("0123456789abcdef0123").unwrap());
        assert_ne!(a, super::svg("f123456789abcdef0123").unwrap());
        assert!(super::svg("<script>").is_none());
        assert!(super::svg("0123").is_none());
    }
}
