//! Facts from the committed fixtures (made by `scripts/make-media-fixtures`).
#![allow(clippy::unwrap_used)]

use std::io::Cursor;
use std::path::PathBuf;

use instapub_media::{
    probe_bytes, probe_read, probe_read_seek, AudioCodec, ColourModel, ContainerKind, ImageFacts,
    ImageFormat, MediaFacts, ProbeError, Prober, Step, VideoCodec, VideoContainer, VideoFacts,
    DEFAULT_CAP,
};

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn facts(name: &str) -> MediaFacts {
    probe_bytes(&bytes(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .facts
}

fn image(name: &str) -> ImageFacts {
    match facts(name) {
        MediaFacts::Image(i) => i,
        other => panic!("{name}: not an image: {other:?}"),
    }
}

fn video(name: &str) -> VideoFacts {
    match facts(name) {
        MediaFacts::Video(v) => v,
        other => panic!("{name}: not a video: {other:?}"),
    }
}

fn all_fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 40, "fixtures missing: {names:?}");
    names
}

#[test]
fn images_size_format_and_flags() {
    let cases: &[(&str, ImageFormat, Option<bool>)] = &[
        ("jpeg_baseline.jpg", ImageFormat::Jpeg, Some(false)),
        ("jpeg_progressive.jpg", ImageFormat::Jpeg, Some(true)),
        ("jpeg_gray.jpg", ImageFormat::Jpeg, Some(false)),
        ("jpeg_cmyk.jpg", ImageFormat::Jpeg, Some(false)),
        ("mpo_two_frames.mpo", ImageFormat::Mpo, Some(false)),
        ("png_rgb.png", ImageFormat::Png, Some(false)),
        ("png_interlaced.png", ImageFormat::Png, Some(true)),
        ("gif_basic.gif", ImageFormat::Gif, None),
        ("webp_lossy.webp", ImageFormat::Webp, None),
        ("webp_lossless.webp", ImageFormat::Webp, None),
        ("webp_alpha.webp", ImageFormat::Webp, None),
        ("heic_basic.heic", ImageFormat::Heic, None),
        ("avif_basic.avif", ImageFormat::Avif, None),
        ("bmp_v3.bmp", ImageFormat::Bmp, None),
        ("bmp_indexed.bmp", ImageFormat::Bmp, None),
        ("tiff_le.tif", ImageFormat::Tiff, None),
    ];
    for &(name, format, progressive) in cases {
        let i = image(name);
        assert_eq!(i.format, format, "{name}");
        assert_eq!((i.width, i.height), (16, 8), "{name}");
        assert_eq!((i.display_width, i.display_height), (16, 8), "{name}");
        assert_eq!(i.orientation, 1, "{name}");
        assert_eq!(i.progressive, progressive, "{name}");
    }
}

#[test]
fn orientation_swaps_display_size() {
    for (name, o) in [
        ("jpeg_exif_orient3.jpg", 3),
        ("jpeg_exif_orient6.jpg", 6),
        ("jpeg_exif_orient8.jpg", 8),
        ("png_exif_orient6.png", 6),
        ("tiff_be_orient6.tif", 6),
    ] {
        let i = image(name);
        assert_eq!(i.orientation, o, "{name}");
        assert_eq!((i.width, i.height), (16, 8), "{name}");
        let want = if o >= 5 { (8, 16) } else { (16, 8) };
        assert_eq!((i.display_width, i.display_height), want, "{name}");
    }
}

#[test]
fn colour_models() {
    let model = |n: &str| image(n).colour.unwrap().model;
    assert_eq!(model("jpeg_gray.jpg"), ColourModel::Grayscale);
    assert!(matches!(
        model("jpeg_cmyk.jpg"),
        ColourModel::Cmyk | ColourModel::Ycck
    ));
    assert_eq!(model("jpeg_baseline.jpg"), ColourModel::YCbCr);
    assert_eq!(model("gif_basic.gif"), ColourModel::Indexed);
    assert_eq!(model("bmp_indexed.bmp"), ColourModel::Indexed);
    let icc = image("jpeg_icc_adobergb.jpg").colour.unwrap();
    assert!(icc.icc_profile && icc.adobe_rgb);
    let plain = image("jpeg_baseline.jpg").colour.unwrap();
    assert!(!plain.icc_profile && !plain.adobe_rgb);
}

#[test]
fn movies() {
    let h264 = video("mp4_h264_aac_faststart.mp4");
    assert_eq!(h264.container, VideoContainer::Mp4);
    assert_eq!(h264.major_brand, "isom");
    assert_eq!(h264.duration_ms, Some(1000));
    assert_eq!((h264.width, h264.height), (32, 24));
    assert_eq!((h264.display_width, h264.display_height), (32, 24));
    assert_eq!(h264.rotation_degrees, 0);
    assert_eq!(h264.video_codec, Some(VideoCodec::H264));
    assert_eq!(h264.frame_rate, Some(10.0));
    let audio = h264.audio.clone().unwrap();
    assert_eq!(audio.codec, AudioCodec::Aac);
    assert_eq!(audio.sample_rate, Some(44100));
    assert_eq!(audio.channels, Some(1));
    assert_eq!(h264.moov_before_mdat, Some(true));
    assert!(!h264.fragmented);
    assert!(h264.has_edit_list);

    let end = video("mp4_h264_aac_moov_end.mp4");
    assert_eq!(end.moov_before_mdat, Some(false));
    assert_eq!(end.video_codec, Some(VideoCodec::H264));

    let no_elst = video("mp4_no_editlist.mp4");
    assert!(!no_elst.has_edit_list);

    let hevc = video("mov_hevc_aac.mov");
    assert_eq!(hevc.container, VideoContainer::Mov);
    assert_eq!(hevc.major_brand, "qt");
    assert_eq!(hevc.video_codec, Some(VideoCodec::Hevc));
    let a = hevc.audio.unwrap();
    assert_eq!((a.sample_rate, a.channels), (Some(48000), Some(2)));

    assert_eq!(video("mp4_av1.mp4").video_codec, Some(VideoCodec::Av1));
    assert_eq!(video("mp4_av1.mp4").audio, None);
    let vp9 = video("mp4_vp9_opus.mp4");
    assert_eq!(vp9.video_codec, Some(VideoCodec::Vp9));
    assert_eq!(vp9.audio.unwrap().codec, AudioCodec::Opus);
    let mp4v = video("mp4_mpeg4_mp3.mp4");
    assert_eq!(mp4v.video_codec, Some(VideoCodec::Mpeg4Part2));
    assert_eq!(mp4v.audio.unwrap().codec, AudioCodec::Mp3);

    assert_eq!(video("m4v_h264.m4v").container, VideoContainer::M4v);
    let tgp = video("3gp_h264_aac.3gp");
    assert_eq!(tgp.container, VideoContainer::ThreeGp);
    assert_eq!(tgp.audio.unwrap().sample_rate, Some(16000));

    let frag = video("mp4_fragmented.mp4");
    assert!(frag.fragmented);
    assert_eq!(frag.video_codec, Some(VideoCodec::H264));
    // The moov of an empty_moov file has no duration; a stream cannot know it early...
    assert_eq!(frag.duration_ms, None);
    // ...a seekable source adds up the fragments.
    let data = bytes("mp4_fragmented.mp4");
    let probe = probe_read_seek(Cursor::new(&data), DEFAULT_CAP).unwrap();
    let MediaFacts::Video(frag) = probe.facts else {
        panic!("not video")
    };
    assert_eq!(frag.duration_ms, Some(1000));
    assert_eq!(frag.frame_rate, Some(10.0));
}

#[test]
fn rotation_matrix() {
    for (name, deg) in [
        ("mp4_rotated90.mp4", 90),
        ("mp4_rotated180.mp4", 180),
        ("mp4_rotated270.mp4", 270),
    ] {
        let v = video(name);
        assert_eq!(v.rotation_degrees, deg, "{name}");
        assert_eq!((v.width, v.height), (32, 24), "{name}");
        let want = if deg == 180 { (32, 24) } else { (24, 32) };
        assert_eq!((v.display_width, v.display_height), want, "{name}");
    }
}

/// Matroska, WebM and AVI are read for their facts (issue 16), agreeing with ffprobe on the
/// fixtures: 32×24, 1.0 s, 10 fps, and the codec of each.
#[test]
fn matroska_webm_and_avi_give_their_facts() {
    for (name, container, codec, tag) in [
        (
            "mkv_h264.mkv",
            VideoContainer::Matroska,
            VideoCodec::H264,
            "V_MPEG4/ISO/AVC",
        ),
        (
            "webm_vp9.webm",
            VideoContainer::WebM,
            VideoCodec::Vp9,
            "V_VP9",
        ),
        (
            "avi_mpeg4.avi",
            VideoContainer::Avi,
            VideoCodec::Mpeg4Part2,
            "FMP4",
        ),
    ] {
        let MediaFacts::Video(v) = facts(name) else {
            panic!("{name}: not read as a video");
        };
        assert_eq!(v.container, container, "{name}");
        assert_eq!(v.video_codec, Some(codec), "{name}");
        assert_eq!(v.video_codec_tag.as_deref(), Some(tag), "{name}");
        assert_eq!((v.display_width, v.display_height), (32, 24), "{name}");
        assert_eq!(v.duration_ms, Some(1000), "{name}");
        assert_eq!(v.frame_rate, Some(10.0), "{name}");
        assert_eq!(v.audio, None, "{name}");
        // Read from the header lists, not the whole file.
        let probe = probe_bytes(&bytes(name)).unwrap();
        assert!(probe.bytes_read <= bytes(name).len() as u64, "{name}");
    }
}

#[test]
fn unsupported_containers_by_name() {
    for (name, kind) in [
        ("flv_basic.flv", ContainerKind::Flv),
        ("ts_h264.ts", ContainerKind::MpegTs),
        ("ogg_opus.ogg", ContainerKind::Ogg),
    ] {
        assert_eq!(
            facts(name),
            MediaFacts::Unsupported { container: kind },
            "{name}"
        );
    }
    assert_eq!(facts("unknown.bin"), MediaFacts::Unknown);
}

#[test]
fn broken_inputs() {
    assert!(matches!(probe_bytes(&[]), Err(ProbeError::Empty)));
    assert!(matches!(
        probe_bytes(&bytes("empty.bin")),
        Err(ProbeError::Empty)
    ));
    assert!(matches!(
        probe_bytes(&bytes("truncated.jpg")),
        Err(ProbeError::Truncated { .. })
    ));
    assert!(matches!(
        probe_bytes(&bytes("truncated.png")),
        Err(ProbeError::Truncated { .. })
    ));
    assert!(matches!(
        probe_bytes(&bytes("truncated_moov.mp4")),
        Err(ProbeError::Truncated { .. })
    ));
    assert!(matches!(
        probe_bytes(&bytes("corrupt_segment.jpg")),
        Err(ProbeError::Corrupt { .. })
    ));
    // A moov claiming 4 GB: the streaming prober refuses it by the cap, never allocating it.
    let huge = bytes("corrupt_huge_box.mp4");
    assert!(matches!(
        probe_read(Cursor::new(&huge), DEFAULT_CAP),
        Err(ProbeError::TooLarge { .. })
    ));
    assert!(matches!(
        probe_bytes(&huge),
        Err(ProbeError::Truncated { .. })
    ));
}

#[test]
fn every_prefix_of_every_fixture_is_handled() {
    for name in all_fixtures() {
        let data = bytes(&name);
        for len in 0..data.len().min(2048) {
            // Must not panic, whatever the answer on a prefix.
            let _ = probe_bytes(data.get(..len).unwrap());
        }
    }
}

#[test]
fn prober_in_small_chunks_matches_probe_bytes() {
    for name in all_fixtures() {
        let data = bytes(&name);
        let whole = probe_bytes(&data)
            .map(|p| p.facts)
            .map_err(|e| e.to_string());
        for chunk in [1usize, 7, 100, 4096] {
            let mut p = Prober::new(DEFAULT_CAP);
            let mut answer = None;
            for c in data.chunks(chunk) {
                match p.feed(c) {
                    Step::NeedMore => {}
                    Step::Done(probe) => {
                        assert!(probe.bytes_read <= data.len() as u64);
                        answer = Some(Ok(probe.facts));
                        break;
                    }
                    Step::Error(e) => {
                        answer = Some(Err(e.to_string()));
                        break;
                    }
                }
            }
            let answer = answer.unwrap_or_else(|| match p.finish() {
                Step::Done(probe) => Ok(probe.facts),
                Step::Error(e) => Err(e.to_string()),
                Step::NeedMore => Err("need more after finish".into()),
            });
            match (&whole, &answer) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{name} chunk {chunk}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{name} chunk {chunk}: {whole:?} vs {answer:?}"),
            }
        }
    }
}

#[test]
fn stops_early_and_reports_bytes_read() {
    // A fast-start movie is known from its moov, long before the end of the mdat.
    let data = bytes("mp4_h264_aac_faststart.mp4");
    let mut p = Prober::new(DEFAULT_CAP);
    let mut done = None;
    for c in data.chunks(256) {
        if let Step::Done(probe) = p.feed(c) {
            done = Some(probe);
            break;
        }
    }
    let probe = done.unwrap();
    assert!(probe.bytes_read < data.len() as u64, "{}", probe.bytes_read);
    // A JPEG header is known in the first segment or two.
    let jpeg = bytes("jpeg_progressive.jpg");
    let mut p = Prober::new(DEFAULT_CAP);
    let Step::Done(probe) = p.feed(&jpeg) else {
        panic!("jpeg not done")
    };
    assert_eq!(probe.bytes_read, jpeg.len() as u64);
    let mut p = Prober::new(DEFAULT_CAP);
    let mut read = 0;
    for c in jpeg.chunks(16) {
        read += c.len();
        if let Step::Done(_) = p.feed(c) {
            break;
        }
    }
    assert!(read < jpeg.len());
}

#[test]
fn moov_at_end_seeks_or_reports_needs_seek() {
    let data = bytes("mp4_h264_aac_moov_end.mp4");
    // Seekable: found by seeking past mdat.
    let probe = probe_read_seek(Cursor::new(&data), DEFAULT_CAP).unwrap();
    let MediaFacts::Video(v) = probe.facts else {
        panic!("not video")
    };
    assert_eq!(v.moov_before_mdat, Some(false));
    assert_eq!(v.duration_ms, Some(1000));
    // Not seekable, cap too small to read through mdat: honest NeedsSeek with the moov offset.
    match probe_read(Cursor::new(&data), 1024) {
        Err(ProbeError::NeedsSeek { offset }) => {
            assert!(offset > 1024 && offset < data.len() as u64);
            assert_eq!(
                data.get(offset as usize + 4..offset as usize + 8),
                Some(&b"moov"[..])
            );
        }
        other => panic!("{other:?}"),
    }
    // Not seekable but within the cap: reads through.
    let probe = probe_read(Cursor::new(&data), DEFAULT_CAP).unwrap();
    assert!(matches!(probe.facts, MediaFacts::Video(_)));
    // Seekable with a cap too small for the moov.
    assert!(matches!(
        probe_read_seek(Cursor::new(&data), 64),
        Err(ProbeError::TooLarge { .. })
    ));
}

#[test]
fn facts_serialize_as_json() {
    let json = serde_json::to_value(facts("ogg_opus.ogg")).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "unsupported", "container": "ogg"})
    );
    let json = serde_json::to_value(facts("webm_vp9.webm")).unwrap();
    assert_eq!(
        (&json["kind"], &json["container"]),
        (&"video".into(), &"webm".into())
    );
    let json = serde_json::to_value(facts("jpeg_exif_orient6.jpg")).unwrap();
    assert_eq!(json["kind"], "image");
    assert_eq!(json["format"], "jpeg");
    assert_eq!(json["display_width"], 8);
    let json = serde_json::to_value(facts("3gp_h264_aac.3gp")).unwrap();
    assert_eq!(json["container"], "3gp");
    assert_eq!(json["video_codec"], "h264");
    assert_eq!(json["audio"]["codec"], "aac");
}

fn feed_all(mut p: Prober, data: &[u8], chunk: usize) -> Step {
    for c in data.chunks(chunk) {
        match p.feed(c) {
            Step::NeedMore => {}
            other => return other,
        }
    }
    p.finish()
}

#[test]
fn stream_reads_through_mdat_without_buffering_it() {
    let data = bytes("mp4_h264_aac_moov_end.mp4");
    let whole = probe_bytes(&data).unwrap().facts;
    // A cap below the file size: a plain stream must ask for a seek...
    match feed_all(Prober::new(2048), &data, 100) {
        Step::Error(ProbeError::NeedsSeek { offset }) => assert!(offset < data.len() as u64),
        other => panic!("{other:?}"),
    }
    // ...one that is read to the end anyway discards the mdat and finds the moov.
    for chunk in [1, 100, 1000, 8192] {
        match feed_all(Prober::new(2048).read_through(u64::MAX), &data, chunk) {
            Step::Done(probe) => {
                assert_eq!(probe.facts, whole, "chunk {chunk}");
                assert_eq!(probe.bytes_read, data.len() as u64);
            }
            other => panic!("chunk {chunk}: {other:?}"),
        }
    }
    // A read-through limit before the moov is honest too.
    assert!(matches!(
        feed_all(Prober::new(2048).read_through(1000), &data, 100),
        Step::Error(ProbeError::NeedsSeek { .. })
    ));
    // The moov itself is still bounded by the cap.
    assert!(matches!(
        feed_all(Prober::new(600).read_through(u64::MAX), &data, 100),
        Step::Error(ProbeError::TooLarge { .. } | ProbeError::NeedsSeek { .. })
    ));
}
