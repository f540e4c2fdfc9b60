//! Experiment harness (issue 4): fits the role model on a `roles_dump` file and scores
//! aligned dev sentences, printing the fit time.
//!
//! ```text
//! cargo run --release --example roles_fit -- TRAIN.txt DEV.txt ALPHA MAX_COLUMNS MAX_ITER
//! ```

use newsroles::document::Role;
use newsroles::features::SparseVec;
use newsroles::model::tune::{f1_per_role, macro_f1};
use newsroles::model::{fit_roles, RoleParams};
use std::time::Instant;

fn load(p: &str) -> Vec<(SparseVec, Role)> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let l = l.split_once('\t').map_or(l, |p| p.0);
            let (h, f) = l.split_once('|').unwrap();
            let role = Role::parse(h.split(' ').nth(5).unwrap())?;
            let x = f
                .split_whitespace()
                .map(|t| {
                    let (b, v) = t.split_once(':').unwrap();
                    (b.parse().unwrap(), v.parse().unwrap())
                })
                .collect();
            Some((x, role))
        })
        .collect()
}

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let (tr, dv) = (load(&a[0]), load(&a[1]));
    let params = RoleParams {
        alpha: a[2].parse().unwrap(),
        max_columns: a[3].parse().unwrap(),
        max_iterations: a[4].parse().unwrap(),
        ..Default::default()
    }
    .check()
    .unwrap();
    let t = Instant::now();
    let m = fit_roles(&params, &tr, 1 << 18).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let mut conf = [[0usize; 4]; 4];
    for (x, r) in &dv {
        conf[r.index()][m.predict_role(x).index()] += 1;
    }
    let f1 = f1_per_role(&conf);
    println!(
        "alpha {} cols {} iter {}: fit {secs:.1}s macro-F1 {:.4} {:?}",
        a[2],
        a[3],
        a[4],
        macro_f1(&conf),
        f1.iter()
            .map(|x| (x * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>()
    );
}
