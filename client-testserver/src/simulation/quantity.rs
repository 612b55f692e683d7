//! Resource quantities (`500m`, `2`, `128Mi`, `1G`, `1e3`) as integers:
//! CPU in millicores, everything else in units, enough for the
//! scheduler's fit check.

/// `q` in thousandths of its unit (`"500m"` is 500, `"2"` is 2000,
/// `"1Ki"` is 1_024_000); `None` when it is not a quantity.
pub(crate) fn milli(q: &str) -> Option<i128> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(q.len());
    let (number, suffix) = q.split_at(split);
    if number.is_empty() {
        return None;
    }
    // Milli-units of the number, keeping three decimals.
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let negative = int.starts_with('-');
    let int: i128 = int
        .trim_start_matches(['+', '-'])
        .parse()
        .ok()
        .or(if int.len() <= 1 { Some(0) } else { None })?;
    let mut frac3 = frac.chars().take(3).collect::<String>();
    while frac3.len() < 3 {
        frac3.push('0');
    }
    let frac: i128 = frac3.parse().ok()?;
    let base = int * 1000 + frac;
    let factor: i128 = match suffix {
        "" => 1000,
        "m" => 1,
        "k" => 1000 * 1000,
        "M" => 1000 * 1_000_000,
        "G" => 1000 * 1_000_000_000,
        "T" => 1000 * 1_000_000_000_000,
        "Ki" => 1000 * 1024,
        "Mi" => 1000 * 1024 * 1024,
        "Gi" => 1000 * 1024 * 1024 * 1024,
        "Ti" => 1000 * 1024 * 1024 * 1024 * 1024,
        s if s.starts_with(['e', 'E']) => {
            let exp: u32 = s[1..].parse().ok()?;
            1000 * 10i128.checked_pow(exp)?
        }
        _ => return None,
    };
    // `base` is already in thousandths of the number.
    let v = base.checked_mul(factor)? / 1000;
    Some(if negative { -v } else { v })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_kube_quantities() {
        assert_eq!(milli("500m"), Some(500));
        assert_eq!(milli("2"), Some(2000));
        assert_eq!(milli("0.5"), Some(500));
        assert_eq!(milli("1Ki"), Some(1_024_000));
        assert_eq!(milli("128Mi"), Some(128 * 1024 * 1024 * 1000));
        assert_eq!(milli("1G"), Some(1_000_000_000_000));
        assert_eq!(milli("1e3"), Some(1_000_000));
        assert_eq!(milli("abc"), None);
        assert_eq!(milli("1Xi"), None);
    }
}
