"""The one parser of video addresses: YouTube and Facebook only, into an embed and a poster."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from marketplace.expo.programme import video_embed

YT = "dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={YT}",
        f"https://youtube.com/watch?v={YT}&t=42s",
        f"https://m.youtube.com/watch?feature=share&v={YT}",
        f"https://youtu.be/{YT}",
        f"https://youtu.be/{YT}?si=abc",
        f"youtu.be/{YT}",
        f"https://www.youtube.com/live/{YT}",
        f"https://www.youtube.com/live/{YT}?feature=shared",
    ],
)
def test_youtube_addresses_give_the_nocookie_embed_and_the_poster(url):
    embed = video_embed(url)
    assert embed is not None
    assert embed.provider == "youtube"
    assert embed.url == f"https://www.youtube.com/watch?v={YT}"
    assert embed.embed_url == f"https://www.youtube-nocookie.com/embed/{YT}"
    assert embed.poster == f"https://i.ytimg.com/vi/{YT}/hqdefault.jpg"
    assert embed.frame_origin == "https://www.youtube-nocookie.com"
    assert embed.image_origins == ("https://i.ytimg.com",)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.facebook.com/DisnakerinKotaTegal/videos/1234567890123456/",
        "https://facebook.com/watch/videos/1234567890",
        "https://m.facebook.com/page.name/videos/pembukaan-expo/987654321/",
        "https://fb.watch/abcDEF123/",
    ],
)
def test_facebook_addresses_give_the_plugin_embed_and_no_poster(url):
    embed = video_embed(url)
    assert embed is not None and embed.provider == "facebook"
    assert embed.embed_url.startswith("https://www.facebook.com/plugins/video.php?href=https%3A%2F%2F")
    assert unquote(embed.embed_url.split("href=", 1)[1]) == embed.url
    assert embed.poster == "" and embed.image_origins == ()
    assert embed.frame_origin == "https://www.facebook.com"


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        "https://vimeo.com/123456",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ<script>",
        "https://youtu.be/",
        "https://www.youtube.com/channel/UC123",
        "https://www.youtube.com.evil.test/watch?v=dQw4w9WgXcQ",
        "https://evil.test/youtu.be/dQw4w9WgXcQ",
        "javascript:alert(1)//youtu.be/dQw4w9WgXcQ",
        "ftp://youtu.be/dQw4w9WgXcQ",
        "https://user:pw@youtu.be/dQw4w9WgXcQ",
        "https://youtu.be:8443/dQw4w9WgXcQ",
        "https://www.facebook.com/DisnakerinKotaTegal/photos/123",
        "https://www.facebook.com/",
        "https://fb.watch/",
        "https://[::1",
        "https://youtu.be/" + "x" * 600,
    ],
)
def test_anything_else_is_not_a_video(url):
    assert video_embed(url) is None
