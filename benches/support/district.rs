//! The 2,000-unit district used by the benchmarks and `scripts/perf.sh`:
//! the example with each unit's own name, received date, executed amount
//! and review judgments. Deterministic, so every run measures the same
//! files.

use std::path::Path;

/// The example submission every unit is made from.
pub const EXAMPLE: &str = include_str!("../../examples/2022/yueyanglou-finance-office.toml");
const UNIT: &str = "岳阳市岳阳楼区人民政府金融工作办公室";

/// Units in the district benchmark.
pub const DISTRICT_UNITS: usize = 2000;

/// The example with unit `i`'s values: its own name, received 0–14 days
/// around the deadline, other executed amounts, other review judgments.
pub fn variant(i: usize) -> String {
    let mut text = EXAMPLE.replace(UNIT, &format!("{UNIT}{i:04}"));
    let swaps = [
        (
            "received_on = 2023-06-14".to_string(),
            format!("received_on = 2023-06-{:02}", 8 + i % 15),
        ),
        (
            "executed = 1115.09".to_string(),
            format!("executed = {}.{:02}", 900 + i % 300, i % 100),
        ),
        (
            "[review.refinement]\nscore = 4".to_string(),
            format!("[review.refinement]\nscore = {}", i % 6),
        ),
        (
            "[review.measurable]\nscore = 4".to_string(),
            format!("[review.measurable]\nscore = {}", (i / 6) % 6),
        ),
        (
            "tier = \"较全面\"\nscore = 18".to_string(),
            format!("tier = \"较全面\"\nscore = {}", 16 + i % 3),
        ),
        (
            "tier = \"较全面\"\nscore = 14".to_string(),
            format!("tier = \"较全面\"\nscore = {}", 12 + (i / 3) % 3),
        ),
    ];
    for (from, to) in swaps {
        text = text.replacen(&from, &to, 1);
    }
    text
}

/// Write units `0..count` into `dir` (emptied first).
pub fn write(dir: &Path, count: usize) -> std::io::Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    for i in 0..count {
        std::fs::write(dir.join(format!("unit-{i:04}.toml")), variant(i))?;
    }
    Ok(())
}
