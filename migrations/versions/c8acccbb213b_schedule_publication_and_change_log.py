"""schedule publication and change log

Revision ID: c8acccbb213b
Revises: 008efa97a26b
Create Date: 2026-11-26 09:50:14.388446

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8acccbb213b'
down_revision = '008efa97a26b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('schedule_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_schedule_changes_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_schedule_changes_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_changes'))
    )
    with op.batch_alter_table('schedule_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_changes_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('schedule_published_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('schedule_version', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('schedule_version')
        batch_op.drop_column('schedule_published_at')

    with op.batch_alter_table('schedule_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedule_changes_event_id'))

    op.drop_table('schedule_changes')
