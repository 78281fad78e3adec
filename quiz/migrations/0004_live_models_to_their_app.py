"""The live classroom's models move to the `live` app (live/migrations/0001_initial).

State only: the tables, their rows and constraints stay exactly where they are; the
live app's models keep the table names through Meta.db_table.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("quiz", "0003_player_rank_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="LiveAnswer"),
                migrations.DeleteModel(name="Player"),
                migrations.DeleteModel(name="LiveSession"),
            ],
            database_operations=[],
        ),
    ]
