"""分兵把口 itself: who guards which zone or road segment when (postings as change sets), routing a
point to its zone and units, selecting targets by drawing, and previewing a change."""
