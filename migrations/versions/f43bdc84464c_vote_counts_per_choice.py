"""vote counts per choice

Revision ID: f43bdc84464c
Revises: c8acccbb213b
Create Date: 2026-11-26 11:07:11.906047

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f43bdc84464c'
down_revision = 'c8acccbb213b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('love_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('try_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('might_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('not_count', sa.Integer(), server_default='0', nullable=False))
    for choice in ("love", "try", "might", "not"):
        op.execute(f"UPDATE proposals SET {choice}_count = (SELECT count(*) FROM votes "
                   f"WHERE votes.proposal_id = proposals.id AND votes.choice = '{choice}')")


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('not_count')
        batch_op.drop_column('might_count')
        batch_op.drop_column('try_count')
        batch_op.drop_column('love_count')

