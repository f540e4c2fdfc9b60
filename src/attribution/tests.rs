//! Hand-made cases for each construction, and the wire article.

use super::*;

fn run(text: &str) -> (DocAttribution, String) {
    let layout = TextLayout::new(text);
    let norm = layout.norm.as_str().to_string();
    (Attributor::rules().attribute(&layout), norm)
}

#[test]
fn trailing_she_said() {
    let (a, t) = run("\"We will win this race,\" she said.");
    assert_eq!(a.quotes.len(), 1);
    let s = a.quotes[0].speaker.as_ref().expect("speaker");
    assert_eq!(&t[s.mention.clone()], "she");
}
