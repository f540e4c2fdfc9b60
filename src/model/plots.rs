//! The model card's two plots as small hand-written SVG files (no plotting
//! dependency): the dev confusion matrix and the reliability diagram of the reported
//! role confidences. `train` and `eval --update-card` write them beside the card.

use crate::document::Role;
use crate::eval::{Calibration, Scores};
use std::fmt::Write;

const FONT: &str = "font-family=\"sans-serif\" font-size=\"12\"";

/// Escapes the few characters that matter in SVG text.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The confusion matrix (gold rows, predicted columns, "missed" last), each cell
/// shaded by its share of the gold row and labelled with its count.
pub fn confusion_svg(s: &Scores) -> String {
    let cols = ["quote", "claim", "event", "background", "missed"];
    let (cell, left, top) = (72.0, 96.0, 56.0);
    let (w, h) = (left + cell * 5.0 + 16.0, top + cell * 4.0 + 40.0);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" {FONT}>\n\
         <title>Role confusion matrix on dev (gold row, predicted column)</title>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"18\" text-anchor=\"middle\" font-weight=\"bold\">predicted</text>\n",
        left + cell * 2.5
    );
    for (j, c) in cols.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{c}</text>",
            left + cell * (j as f64 + 0.5),
            top - 10.0
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"14\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\" transform=\"rotate(-90 14 {})\">gold</text>",
        top + cell * 2.0,
        top + cell * 2.0
    );
    for (i, r) in Role::ALL.iter().enumerate() {
        let (role, row) = (r.as_str(), s.confusion.get(*r));
        let y = top + cell * i as f64;
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{role}</text>",
            left - 8.0,
            y + cell / 2.0 + 4.0
        );
        let counts = [row.quote, row.claim, row.event, row.background, row.missed];
        let total: usize = counts.iter().sum();
        for (j, &n) in counts.iter().enumerate() {
            let share = if total == 0 {
                0.0
            } else {
                n as f64 / total as f64
            };
            // White to a saturated blue by the share of the gold row; white text on dark cells.
            let shade = (255.0 * (1.0 - 0.85 * share)).round() as u8;
            let fill = format!("rgb({shade},{},255)", shade.saturating_add(10));
            let ink = if share > 0.5 { "white" } else { "black" };
            let x = left + cell * j as f64;
            let _ = writeln!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"{fill}\" stroke=\"#999\"><title>gold {role}, predicted {}: {n} ({:.1}% of gold {role})</title></rect>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{ink}\">{n}</text>",
                cols[j],
                share * 100.0,
                x + cell / 2.0,
                y + cell / 2.0 + 4.0
            );
        }
    }
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} sentences, accuracy {:.3}, macro-F1 {:.3}</text>\n</svg>",
        left + cell * 2.5,
        top + cell * 4.0 + 26.0,
        s.sentences,
        s.accuracy,
        s.macro_f1
    );
    out
}

/// The reliability diagram: per confidence bin, the observed accuracy (bars) against
/// the diagonal of perfect calibration, with the sentence count of each bin.
pub fn reliability_svg(c: &Calibration) -> String {
    let (left, top, size) = (56.0, 36.0, 320.0);
    let (w, h) = (left + size + 24.0, top + size + 62.0);
    let bins = c.bins.len().max(1) as f64;
    let bw = size / bins;
    let x = |v: f64| left + v * size;
    let y = |v: f64| top + (1.0 - v) * size;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" {FONT}>\n\
         <title>Reliability of the reported role confidence on dev</title>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\n\
         <rect x=\"{left}\" y=\"{top}\" width=\"{size}\" height=\"{size}\" fill=\"none\" stroke=\"#333\"/>\n",
        left + size / 2.0,
        esc(&format!(
            "reliability: ECE {:.3}, {} sentences",
            c.ece, c.sentences
        ))
    );
    for t in 0..=5 {
        let v = f64::from(t) / 5.0;
        let _ = writeln!(
            out,
            "<line x1=\"{left}\" y1=\"{yv}\" x2=\"{}\" y2=\"{yv}\" stroke=\"#eee\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{v:.1}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{v:.1}</text>",
            left + size,
            left - 6.0,
            y(v) + 4.0,
            x(v),
            top + size + 16.0,
            yv = y(v)
        );
    }
    for (i, b) in c.bins.iter().enumerate().filter(|(_, b)| b.sentences > 0) {
        let x0 = left + bw * i as f64;
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#4a7bd0\" fill-opacity=\"0.75\" stroke=\"white\">\
             <title>confidence {:.1}–{:.1}: {} sentences, mean confidence {:.3}, accuracy {:.3}</title></rect>\
             <circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#d04a4a\"/>",
            x0,
            y(b.accuracy),
            bw,
            size * b.accuracy,
            i as f64 / bins,
            (i + 1) as f64 / bins,
            b.sentences,
            b.mean_confidence,
            b.accuracy,
            x(b.mean_confidence),
            y(b.accuracy)
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\" stroke-dasharray=\"4 3\"/>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">reported confidence</text>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">bars: accuracy per bin; dots: the bin's mean confidence</text>\n\
         <text x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">accuracy</text>\n</svg>",
        x(0.0),
        y(0.0),
        x(1.0),
        y(1.0),
        left + size / 2.0,
        top + size + 34.0,
        left + size / 2.0,
        top + size + 52.0,
        top + size / 2.0,
        top + size / 2.0
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{calibration_of, score};

    #[test]
    fn plots_carry_the_figures_they_draw() {
        let c = calibration_of(
            [(0.95, true), (0.92, true), (0.91, false), (0.35, false)],
            10,
        )
        .unwrap();
        let svg = reliability_svg(&c);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        // Two non-empty bins, each a bar with its figures on hover.
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("confidence 0.9–1.0: 3 sentences"), "{svg}");
        assert!(svg.contains(&format!("ECE {:.3}", c.ece)));

        let s = score(&[], &[]);
        let svg = confusion_svg(&s);
        // 4 gold rows × 5 predicted columns.
        assert_eq!(svg.matches("<rect x=").count(), 20);
        assert!(svg.contains("gold claim, predicted missed: 0"));
    }
}
