//! One table row per seed row this crate owns (input -> status, code, subcode, rendered user
//! message), the boundaries, and the order of checks.

use instapub_errors::{CatalogError, GraphError, Profile};
use instapub_media::{
    AudioCodec, AudioFacts, ImageFacts, ImageFormat, MediaFacts, VideoCodec, VideoContainer,
    VideoFacts,
};
use instapub_rules::{check_all, first, KnownProduct, Limits, ProductTag, Request};

fn image(format: ImageFormat, w: u32, h: u32) -> MediaFacts {
    MediaFacts::Image(ImageFacts {
        format,
        width: w,
        height: h,
        orientation: 1,
        display_width: w,
        display_height: h,
        progressive: Some(false),
        colour: None,
    })
}

fn video(duration_ms: u64) -> VideoFacts {
    VideoFacts {
        container: VideoContainer::Mp4,
        major_brand: "isom".into(),
        duration_ms: Some(duration_ms),
        width: 1080,
        height: 1920,
        display_width: 1080,
        display_height: 1920,
        rotation_degrees: 0,
        video_codec: Some(VideoCodec::H264),
        video_codec_tag: Some("avc1".into()),
        frame_rate: Some(30.0),
        audio: Some(AudioFacts {
            codec: AudioCodec::Aac,
            codec_tag: "mp4a".into(),
            sample_rate: Some(44_100),
            channels: Some(2),
        }),
        moov_before_mdat: Some(true),
        has_edit_list: false,
        fragmented: false,
    }
}

fn photo_req() -> Request {
    Request {
        image_url: Some("https://x.test/a.jpg".into()),
        ..Request::default()
    }
}

fn reel_req() -> Request {
    Request {
        media_type: Some("REELS".into()),
        video_url: Some("https://x.test/a.mp4".into()),
        ..Request::default()
    }
}

const JPEG_OK: u64 = 100_000;

/// HTTP status, code, subcode and rendered user message.
type Wire = (u16, i64, Option<i64>, Option<String>);

/// The wire fields of an error, rendered and parsed back.
fn wire(e: &CatalogError) -> Wire {
    let env = e.render(Profile::Documented, "Aaaaaaaaaaaaaaaaaaaaaaa");
    let g = GraphError::parse(Some(env.status), env.to_json().as_bytes()).expect("parses");
    (env.status, g.code.unwrap_or(0), g.subcode, g.user_msg)
}

fn only(req: &Request, media: Option<(&MediaFacts, u64)>, products: &[KnownProduct]) -> Wire {
    let errors = check_all(req, media, products, &Limits::documented());
    assert_eq!(errors.len(), 1, "{errors:?}");
    wire(&errors[0])
}

#[test]
fn one_row_per_seed_row() {
    let square = image(ImageFormat::Jpeg, 1080, 1080);
    let tagged = |x: Option<f64>| {
        vec![ProductTag {
            product_id: "7".into(),
            x,
            y: x,
        }]
    };
    let approved = [KnownProduct {
        id: "7".into(),
        review_status: "approved".into(),
    }];
    let long = "a".repeat(2201);
    let tags31: String = (0..31).map(|i| format!("#t{i} ")).collect();
    let at21: String = (0..21).map(|i| format!("@u{i} ")).collect();
    let png = image(ImageFormat::Png, 1080, 1080);
    let wide = image(ImageFormat::Jpeg, 1438, 388);
    let v = MediaFacts::Video(video(10_000));
    let vp9 = MediaFacts::Video(VideoFacts {
        video_codec: Some(VideoCodec::Vp9),
        ..video(10_000)
    });

    let rows: Vec<(&str, Wire)> = vec![
        (
            "2207023",
            only(
                &Request {
                    media_type: Some("SLIDESHOW".into()),
                    ..photo_req()
                },
                None,
                &[],
            ),
        ),
        (
            "2207028",
            only(
                &Request {
                    media_type: Some("CAROUSEL".into()),
                    children: Some(vec!["1".into()]),
                    ..Request::default()
                },
                None,
                &[],
            ),
        ),
        (
            "2207010",
            only(
                &Request {
                    caption: Some(long),
                    ..photo_req()
                },
                Some((&square, JPEG_OK)),
                &[],
            ),
        ),
        (
            "2207040 hashtags",
            only(
                &Request {
                    caption: Some(tags31),
                    ..photo_req()
                },
                Some((&square, JPEG_OK)),
                &[],
            ),
        ),
        (
            "2207040",
            only(
                &Request {
                    caption: Some(at21),
                    ..photo_req()
                },
                Some((&square, JPEG_OK)),
                &[],
            ),
        ),
        (
            "2207035",
            only(
                &Request {
                    product_tags: tagged(Some(0.5)),
                    ..reel_req()
                },
                Some((&v, JPEG_OK)),
                &approved,
            ),
        ),
        (
            "2207036",
            only(
                &Request {
                    product_tags: tagged(None),
                    ..photo_req()
                },
                Some((&square, JPEG_OK)),
                &approved,
            ),
        ),
        (
            "2207037",
            only(
                &Request {
                    product_tags: tagged(Some(0.5)),
                    ..photo_req()
                },
                Some((&square, JPEG_OK)),
                &[],
            ),
        ),
        (
            "2207004",
            only(&photo_req(), Some((&square, 8 * 1024 * 1024 + 1)), &[]),
        ),
        ("2207005", only(&photo_req(), Some((&png, JPEG_OK)), &[])),
        ("2207009", only(&photo_req(), Some((&wide, JPEG_OK)), &[])),
        ("2207026", only(&reel_req(), Some((&vp9, JPEG_OK)), &[])),
        (
            "2207057",
            only(
                &Request {
                    thumb_offset: Some(10_000),
                    ..reel_req()
                },
                Some((&v, JPEG_OK)),
                &[],
            ),
        ),
    ];
    let expect = |s: &str| Some(s.to_owned());
    let expected: Vec<(&str, Wire)> = vec![
        ("2207023", (400, 100, Some(2207023), expect("The media type SLIDESHOW is unknown."))),
        ("2207028", (400, 100, Some(2207028), expect("Your post won't work as a carousel. Carousels need at least 2 photos/videos and no more than 10 photos/videos."))),
        ("2207010", (400, 36004, Some(2207010), expect("The submitted image's caption was 2201 characters long. The maximum number of characters permitted for a caption is 2200. Please submit media with a shorter caption."))),
        ("2207040 hashtags", (400, 100, Some(2207040), expect("Cannot use more than 30 tags per created media."))),
        ("2207040", (400, 100, Some(2207040), expect("Cannot use more than 20 tags per created media."))),
        ("2207035", (400, 100, Some(2207035), expect("Product tag positions should not be specified for video media."))),
        ("2207036", (400, 100, Some(2207036), expect("Product tag positions are required for photo media."))),
        ("2207037", (400, 100, Some(2207037), expect("We couldn't add all of your product tags. The product ID may be incorrect, the product may be deleted, or you may not have permission to tag the product."))),
        ("2207004", (400, 36000, Some(2207004), expect("The image is too large to download. It should be less than 8 MiB."))),
        ("2207005", (400, 36001, Some(2207005), expect("The image format png is not supported. Supported formats are: JPEG."))),
        ("2207009", (400, 36003, Some(2207009), expect("The submitted image with aspect ratio 719/194 cannot be published. Please submit an image with a valid aspect ratio."))),
        ("2207026", (400, 352, Some(2207026), expect("The video format is not supported. Please check spec for supported codec format"))),
        ("2207057", (400, 1, Some(2207057), expect("Thumbnail offset must be greater than or equal to 0 and less than video duration, i.e. 10000"))),
    ];
    assert_eq!(rows, expected);
}

fn aspect_ok(w: u32, h: u32) -> bool {
    first(
        &photo_req(),
        Some((&image(ImageFormat::Jpeg, w, h), JPEG_OK)),
        &[],
        &Limits::documented(),
    )
    .is_ok()
}

#[test]
fn boundaries() {
    // Aspect ratio 0.8 and 1.91 pass; 0.799 and 1.911 fail.
    assert!(aspect_ok(800, 1000));
    assert!(aspect_ok(1910, 1000));
    assert!(!aspect_ok(799, 1000));
    assert!(!aspect_ok(1911, 1000));
    // Caption of 2200 characters passes, 2201 fails; an emoji is one character.
    let square = image(ImageFormat::Jpeg, 1080, 1080);
    let cap = |s: String| {
        first(
            &Request {
                caption: Some(s),
                ..photo_req()
            },
            Some((&square, JPEG_OK)),
            &[],
            &Limits::documented(),
        )
    };
    assert!(cap("😀".repeat(2200)).is_ok());
    assert!(cap("😀".repeat(2201)).is_err());
    assert!(cap("東".repeat(2200)).is_ok());
    // Carousels of 2 and 10 pass, 1 and 11 fail.
    let carousel = |n: usize| Request {
        media_type: Some("CAROUSEL".into()),
        children: Some((0..n).map(|i| i.to_string()).collect()),
        ..Request::default()
    };
    for (n, ok) in [(1, false), (2, true), (10, true), (11, false)] {
        assert_eq!(
            first(&carousel(n), None, &[], &Limits::documented()).is_ok(),
            ok,
            "{n} children"
        );
    }
    // thumb_offset 0 and duration-1 pass, duration fails.
    let v = MediaFacts::Video(video(10_000));
    for (offset, ok) in [(0, true), (9_999, true), (10_000, false), (-1, false)] {
        let r = Request {
            thumb_offset: Some(offset),
            ..reel_req()
        };
        assert_eq!(
            first(&r, Some((&v, JPEG_OK)), &[], &Limits::documented()).is_ok(),
            ok,
            "{offset}"
        );
    }
    // Reels: 3 s and 15 min pass; just outside fails.
    for (ms, ok) in [
        (2_999, false),
        (3_000, true),
        (900_000, true),
        (900_001, false),
    ] {
        let v = MediaFacts::Video(video(ms));
        assert_eq!(
            first(&reel_req(), Some((&v, JPEG_OK)), &[], &Limits::documented()).is_ok(),
            ok,
            "{ms} ms"
        );
    }
}

#[test]
fn the_order_of_checks_is_fixed_and_check_all_lists_everything() {
    let png_wide = image(ImageFormat::Png, 4000, 1000);
    let req = Request {
        caption: Some("@a ".repeat(25)),
        ..photo_req()
    };
    let all = check_all(
        &req,
        Some((&png_wide, 9 * 1024 * 1024)),
        &[],
        &Limits::documented(),
    );
    let subcodes: Vec<Option<i64>> = all.iter().map(|e| e.entry().subcode).collect();
    assert_eq!(
        subcodes,
        vec![Some(2207040), Some(2207004), Some(2207005), Some(2207009)]
    );
    assert_eq!(
        first(
            &req,
            Some((&png_wide, 9 * 1024 * 1024)),
            &[],
            &Limits::documented()
        )
        .err(),
        all.first().cloned()
    );
    // A missing image_url is reported before anything about the caption.
    let missing = Request {
        caption: Some("x".repeat(3000)),
        ..Request::default()
    };
    let e = first(&missing, None, &[], &Limits::documented()).expect_err("missing");
    assert_eq!(wire(&e).1, 100);
    assert_eq!(e.param("param"), Some("image_url"));
}

#[test]
fn mpo_and_unknown_bytes_are_not_jpeg() {
    let mpo = image(ImageFormat::Mpo, 1080, 1080);
    let e = first(
        &photo_req(),
        Some((&mpo, JPEG_OK)),
        &[],
        &Limits::documented(),
    )
    .expect_err("mpo");
    assert_eq!(e.param("current-image-format"), Some("mpo"));
    let e = first(
        &photo_req(),
        Some((&MediaFacts::Unknown, JPEG_OK)),
        &[],
        &Limits::documented(),
    )
    .expect_err("unknown");
    assert_eq!(
        wire(&e).3.as_deref(),
        Some("The image format unknown is not supported. Supported formats are: JPEG.")
    );
}

#[test]
fn products_must_be_known_and_approved() {
    let square = image(ImageFormat::Jpeg, 1080, 1080);
    let req = Request {
        product_tags: vec![ProductTag {
            product_id: "7".into(),
            x: Some(0.1),
            y: Some(0.2),
        }],
        ..photo_req()
    };
    let rejected = [KnownProduct {
        id: "7".into(),
        review_status: "rejected".into(),
    }];
    let approved = [KnownProduct {
        id: "7".into(),
        review_status: "approved".into(),
    }];
    assert!(first(
        &req,
        Some((&square, JPEG_OK)),
        &rejected,
        &Limits::documented()
    )
    .is_err());
    assert!(first(
        &req,
        Some((&square, JPEG_OK)),
        &approved,
        &Limits::documented()
    )
    .is_ok());
}

#[test]
fn the_committed_fixtures_through_the_probe() {
    let fixture = |name: &str| {
        let path = format!(
            "{}/../media/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("fixture");
        let size = bytes.len() as u64;
        (
            instapub_media::probe_bytes(&bytes).expect("probes").facts,
            size,
        )
    };
    let (jpeg, size) = fixture("jpeg_baseline.jpg");
    let errors = check_all(
        &photo_req(),
        Some((&jpeg, size)),
        &[],
        &Limits::documented(),
    );
    // The fixture is tiny; only its aspect ratio can be off.
    assert!(
        errors.iter().all(|e| e.entry().subcode == Some(2207009)),
        "{errors:?}"
    );
    let (png, size) = fixture("png_rgb.png");
    let errors = check_all(&photo_req(), Some((&png, size)), &[], &Limits::documented());
    assert!(errors.iter().any(|e| e.entry().subcode == Some(2207005)));
    let (mkv, size) = fixture("mkv_h264.mkv");
    let e = first(&reel_req(), Some((&mkv, size)), &[], &Limits::documented()).expect_err("mkv");
    assert_eq!(e.param("video"), Some("container"));
}
