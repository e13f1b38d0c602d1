//! Naming the platform whose known limit explains a measured cut.

use std::time::Duration;
use wsdoctor_model::evidence::Suspect;
use wsdoctor_model::ms;
use wsdoctor_model::platform::{CutKind, PlatformId, PLATFORMS, TIE_BREAK};

/// How far a measured cut may be from a platform's limit and still name it: timers are coarse
/// (Cloudflare's "about 100 s") and the moment we notice a reset lags the cut.
pub(crate) const MATCH_TOLERANCE: f64 = 0.15;

/// The platform whose known limit best explains a cut at `cut`.
///
/// Candidates are the platforms whose cut is within ±[`MATCH_TOLERANCE`] of `cut`. A platform the
/// run fingerprinted (`seen`, primary first) wins over one that only matches the number; then one
/// of the same kind of cut; then the closest limit; then the more common culprit. Also returns the
/// other candidates' names, since 60 s alone cannot tell nginx from an ALB.
pub(crate) fn suspect(
    cut: Duration,
    kind: CutKind,
    seen: &[PlatformId],
) -> Option<(Suspect, Vec<&'static str>)> {
    let t = cut.as_secs_f64();
    let mut candidates: Vec<_> = PLATFORMS
        .iter()
        .filter_map(|info| info.cut.map(|limit| (info, limit)))
        .filter(|(_, l)| {
            let secs = l.after.as_secs_f64();
            (t - secs).abs() <= MATCH_TOLERANCE * secs
        })
        .collect();
    let seen_rank = |id: PlatformId| seen.iter().position(|s| *s == id).unwrap_or(usize::MAX);
    let common = |id: PlatformId| {
        TIE_BREAK
            .iter()
            .position(|s| *s == id)
            .unwrap_or(usize::MAX)
    };
    let distance = |after: Duration| (t - after.as_secs_f64()).abs();
    candidates.sort_by(|(a, la), (b, lb)| {
        seen_rank(a.id)
            .cmp(&seen_rank(b.id))
            .then((la.kind != kind).cmp(&(lb.kind != kind)))
            .then(distance(la.after).total_cmp(&distance(lb.after)))
            .then(common(a.id).cmp(&common(b.id)))
    });
    let (best, limit) = candidates.first()?;
    let others = candidates.iter().skip(1).map(|(i, _)| i.name).collect();
    Some((
        Suspect {
            id: best.id,
            name: best.name,
            limit_ms: ms(limit.after),
            kind: limit.kind,
            setting: limit.setting,
            advice: limit.advice,
            fingerprinted: seen.contains(&best.id),
        },
        others,
    ))
}
