"""Cases (案件): filing, routing on arrival, the workflow, photos, and residents' 随手拍 before moderation."""
