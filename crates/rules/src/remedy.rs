//! What to do about a rejected file: the ffmpeg command that turns it into one these rules
//! accept (container, codecs, pixel format, frame rate, width, duration, faststart for video;
//! format, aspect crop and size for images). Derived from the violations the rules returned
//! and the facts of the file, with the numbers from [`Limits`]; nothing here decides whether a
//! file is acceptable.

use instapub_errors::{placeholder as ph, CatalogError, Id};
use instapub_media::MediaFacts;

use crate::limits::Limits;
use crate::vocabulary::Kind;

/// The ffmpeg command that fixes every media violation in `violations`, or `None` when none
/// of them is about the media (a caption, a carousel size) or ffmpeg cannot help.
pub fn ffmpeg_command(
    input: &str,
    kind: Kind,
    facts: &MediaFacts,
    violations: &[CatalogError],
    limits: &Limits,
) -> Option<String> {
    let about_video = |property: &str| {
        violations
            .iter()
            .any(|e| e.id == Id::UnsupportedVideoFormat && e.param(ph::VIDEO) == Some(property))
    };
    let has = |id: Id| violations.iter().any(|e| e.id == id);
    let stem = output_stem(input);
    if kind.is_video() {
        let properties = [
            "container",
            "codec",
            "audio_codec",
            "frame_rate",
            "resolution",
            "duration",
            "file_size",
            "moov_position",
            "edit_list",
        ];
        if !properties.iter().any(|p| about_video(p)) {
            return None;
        }
        let duration = match kind {
            Kind::Reel => limits.reel_duration,
            Kind::StoryVideo => limits.story_video_duration,
            _ => limits.carousel_video_duration,
        };
        let MediaFacts::Video(v) = facts else {
            // A still image: a video of it, as long as the shortest taken (at least 3 s).
            if matches!(facts, MediaFacts::Image(_)) {
                return Some(format!(
                    "ffmpeg -loop 1 -i {} -t {} -r 30 -vf \"scale='trunc(iw/2)*2':'trunc(ih/2)*2'\" \
                     -c:v libx264 -pix_fmt yuv420p -movflags +faststart {}",
                    quote(input),
                    seconds(duration.min.max(3000)),
                    quote(&format!("{stem}.mp4"))
                ));
            }
            // Not a readable video: a plain re-encode is the best guess.
            return Some(format!(
                "ffmpeg -i {} -c:v libx264 -pix_fmt yuv420p -c:a aac -movflags +faststart {}",
                quote(input),
                quote(&format!("{stem}.mp4"))
            ));
        };
        let too_short = about_video("duration") && v.duration_ms.is_some_and(|d| d < duration.min);
        let too_long = about_video("duration") && v.duration_ms.is_some_and(|d| d > duration.max);
        let reencode = about_video("codec")
            || about_video("frame_rate")
            || about_video("resolution")
            || about_video("edit_list")
            || about_video("file_size")
            || too_short;
        let mut args = vec!["ffmpeg".to_owned()];
        if too_short {
            // Loop the clip to the shortest length taken.
            args.push("-stream_loop -1".into());
        }
        args.push(format!("-i {}", quote(input)));
        if reencode {
            args.push("-c:v libx264 -preset medium -crf 20 -pix_fmt yuv420p".into());
        } else {
            args.push("-c:v copy".into());
        }
        if about_video("frame_rate") {
            let fps = 30.0_f64.clamp(limits.frame_rate_min, limits.frame_rate_max);
            args.push(format!("-r {fps}"));
        }
        if about_video("resolution") {
            args.push(format!(
                "-vf \"scale='min({},iw)':-2\"",
                limits.video_max_width
            ));
        }
        if v.audio.is_some() {
            if about_video("audio_codec") || too_short {
                args.push("-c:a aac -b:a 128k".into());
            } else {
                args.push("-c:a copy".into());
            }
        }
        if too_short {
            args.push(format!("-t {}", seconds(duration.min)));
        } else if too_long {
            args.push(format!("-t {}", seconds(duration.max)));
        }
        args.push("-movflags +faststart".into());
        args.push(quote(&format!("{stem}.mp4")));
        return Some(args.join(" "));
    }
    if kind.is_image() {
        let format = has(Id::UnsupportedImageFormat);
        let aspect = has(Id::AspectRatioUnsupported);
        let large = has(Id::ImageTooLarge);
        if !(format || aspect || large) {
            return None;
        }
        let mut filters = Vec::new();
        if let (true, MediaFacts::Image(i)) = (aspect, facts) {
            let ratio = f64::from(i.display_width) / f64::from(i.display_height.max(1));
            if ratio > limits.image_aspect_max {
                filters.push(format!("crop='ih*{}':ih", limits.image_aspect_max));
            } else {
                filters.push(format!("crop=iw:'iw/{}'", limits.image_aspect_min));
            }
        }
        if large {
            filters.push("scale='min(1440,iw)':-2".into());
        }
        let mut args = vec!["ffmpeg".to_owned(), format!("-i {}", quote(input))];
        if !filters.is_empty() {
            args.push(format!("-vf \"{}\"", filters.join(",")));
        }
        args.push("-q:v 3".into());
        args.push(quote(&format!("{stem}.jpg")));
        return Some(args.join(" "));
    }
    None
}

/// `clip.webm` -> `clip-instagram`, next to the input (the part of a URL after its last `/`).
fn output_stem(input: &str) -> String {
    let name = input.rsplit(['/', '\\']).next().unwrap_or(input);
    let name = name.split(['?', '#']).next().unwrap_or(name);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let stem = if stem.is_empty() { "media" } else { stem };
    format!("{stem}-instagram")
}

fn seconds(ms: u64) -> String {
    let s = ms as f64 / 1000.0;
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

/// Quotes a shell word when it needs it.
fn quote(word: &str) -> String {
    if word
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./:=+,%@".contains(&b))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_quoting() {
        assert_eq!(output_stem("/x/clip.webm"), "clip-instagram");
        assert_eq!(output_stem("https://h/p/a.b.mov?sig=1"), "a.b-instagram");
        assert_eq!(quote("my clip.mp4"), "'my clip.mp4'");
        assert_eq!(quote("it's.mp4"), "'it'\\''s.mp4'");
        assert_eq!(seconds(3000), "3");
        assert_eq!(seconds(2500), "2.5");
    }
}
